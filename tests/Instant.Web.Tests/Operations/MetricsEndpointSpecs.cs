using System.Net;
using System.Text.RegularExpressions;
using Instant.Web.Operations;
using Instant.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Instant.Web.Tests.Operations;

/// <summary>
/// /metrics in Prometheus text (docs/SERVER.md, Metrics). Servers of other specs run in the same
/// process and their meters share names, so counts are asserted as lower bounds.
/// </summary>
public sealed class MetricsEndpointSpecs
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Metrics_count_connections_rooms_messages_bytes_and_relay_latency()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.metrics.enabled=yes");
        await using var a = await server.JoinAsync("metrics-room");
        await using var b = await server.JoinAsync("metrics-room");
        await a.NextAsync(f => f.Type == "joined" && f.Data.GetProperty("id").GetString() == b.ParticipantId);
        const int Posts = 2 * 16 * 2; // every 16th relayed write per connection is timed
        for (int i = 0; i < Posts; i++)
        {
            await a.SendJsonAsync(new { type = "broadcast", seq = i, data = new { text = "hello " + i } });
        }

        for (int i = 0; i < Posts; i++)
        {
            await b.NextAsync(f => f.Type == "broadcast");
        }

        string text = await Eventually.SucceedsAsync(async ct =>
        {
            string scraped = await Http.GetStringAsync(server.Http("/metrics"), ct);
            Assert.True(PrometheusText.Sum(scraped, "instant_relay_latency_seconds_count") >= 1, scraped);
            return scraped;
        });

        Assert.True(PrometheusText.Sum(text, "instant_connections_opened_total") >= 2, text);
        Assert.True(PrometheusText.Sum(text, "instant_connections_open") >= 2, text);
        Assert.True(PrometheusText.Sum(text, "instant_rooms_alive") >= 1, text);
        Assert.True(PrometheusText.Sum(text, "instant_messages_in_total", "type=\"broadcast\"") >= Posts, text);
        // Each post goes to both members of the room.
        Assert.True(PrometheusText.Sum(text, "instant_messages_out_total", "type=\"broadcast\"") >= 2 * Posts, text);
        Assert.True(PrometheusText.Sum(text, "instant_messages_out_total", "type=\"identity\"") >= 2, text);
        Assert.True(PrometheusText.Sum(text, "instant_messages_out_bytes_total") >= 2 * Posts * 40, text);
        Assert.Contains("instant_relay_latency_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Matches(new Regex("^instant_connections_closed_total\\{[^}]*reason=\"outbox_overflow\"", RegexOptions.Multiline), text);
        Assert.Matches(new Regex("^instant_frames_too_large_total", RegexOptions.Multiline), text);
        Assert.Matches(new Regex("^instant_messages_rate_limited_total", RegexOptions.Multiline), text);
        // No label names a room or a connection.
        Assert.DoesNotContain("metrics-room", text, StringComparison.Ordinal);
        Assert.DoesNotContain(a.ParticipantId, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closed_connections_are_counted_by_reason()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.metrics.enabled=yes");
        double before = PrometheusText.Sum(await Http.GetStringAsync(server.Http("/metrics")), "instant_connections_closed_total", "reason=\"client\"");
        var client = await server.JoinAsync("leaving");
        await client.DisposeAsync();
        await Eventually.SucceedsAsync(async ct =>
        {
            string text = await Http.GetStringAsync(server.Http("/metrics"), ct);
            Assert.True(PrometheusText.Sum(text, "instant_connections_closed_total", "reason=\"client\"") >= before + 1, text);
        });
    }

    [Fact]
    public async Task Metrics_are_off_by_default()
    {
        await using var server = await InstantTestServer.StartAsync();
        using var response = await Http.GetAsync(server.Http("/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_and_health_can_have_a_listener_of_their_own()
    {
        await using var server = await InstantTestServer.StartAsync(
            "-o", "instant.metrics.enabled=yes", "-o", "instant.metrics.addr=127.0.0.1:0", "-o", "instant.health.addr=127.0.0.1:0");
        var listeners = server.Server.Services.GetRequiredService<OperationsListeners>();
        int port = listeners.PortOf(new IPEndPoint(IPAddress.Loopback, 0));
        Assert.NotEqual(server.Port, port);
        var ops = new Uri($"http://127.0.0.1:{port}/");

        Assert.Contains("instant_connections_opened_total", await Http.GetStringAsync(new Uri(ops, "/metrics")), StringComparison.Ordinal);
        Assert.StartsWith("Healthy", await Http.GetStringAsync(new Uri(ops, "/readyz")), StringComparison.Ordinal);
        foreach (var path in new[] { "/metrics", "/healthz", "/readyz" })
        {
            using var onMain = await Http.GetAsync(server.Http(path));
            Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
        }

        using var other = await Http.GetAsync(new Uri(ops, "/room/x/"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
