using Instant.Load.Cli;
using Instant.Load.Workers;
using Instant.Web;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>What an operator scrapes from <c>/metrics</c> while instant-load drives the server: the server's counts match the load tool's.</summary>
public sealed class MetricsUnderLoadSpecs
{
    [Fact]
    public async Task Metrics_scraped_under_a_chat_load_count_what_the_load_tool_sent_and_received()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var server = await InstantServer.StartAsync(
            ["-h", "127.0.0.1", "--http-log", "/dev/null", "--debug-log", "/dev/null", "-o", "instant.metrics.enabled=yes", "0"], cts.Token);
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };

        var options = new LoadOptions
        {
            Scenario = ScenarioKind.Chat,
            Servers = [new Uri($"ws://127.0.0.1:{server.Port}/")],
            RoomPrefix = "metrics",
            Quiet = true,
            DrainSeconds = 5,
            Clients = 10,
            Posts = 200,
            InFlight = 8,
        };
        var run = await new Coordinator(options).RunAsync(cts.Token);
        Assert.Null(run.Fatal);
        Assert.Equal(200 * 10, run.Delivered);

        string text = await http.GetStringAsync("/metrics", cts.Token);
        // Every post the load tool sent came in as a broadcast, and went out once per member.
        Assert.True(PrometheusText.Sum(text, "instant_messages_in_total", "type=\"broadcast\"") >= run.PostsSent, text);
        Assert.True(PrometheusText.Sum(text, "instant_messages_out_total", "type=\"broadcast\"") >= run.Delivered, text);
        Assert.True(PrometheusText.Sum(text, "instant_messages_out_bytes_total") >= run.Delivered * 40, text);
        Assert.True(PrometheusText.Sum(text, "instant_connections_opened_total") >= options.Clients, text);
        Assert.True(PrometheusText.Sum(text, "instant_rooms_alive") >= 1 || PrometheusText.Sum(text, "instant_connections_closed_total") >= options.Clients, text);
        Assert.True(PrometheusText.Sum(text, "instant_relay_latency_seconds_count") >= 1, text);
        Assert.Equal(0, PrometheusText.Sum(text, "instant_messages_rate_limited_total"));
    }
}
