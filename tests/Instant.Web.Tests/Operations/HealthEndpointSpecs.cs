using System.Net;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Operations;

/// <summary>/healthz and /readyz (docs/SERVER.md, Health).</summary>
public sealed class HealthEndpointSpecs
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Healthz_and_readyz_answer_200_on_a_serving_server()
    {
        await using var server = await InstantTestServer.StartAsync();
        using var live = await Http.GetAsync(server.Http("/healthz"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.StartsWith("Healthy", await live.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var ready = await Http.GetAsync(server.Http("/readyz"));
        string body = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("http: Healthy", body, StringComparison.Ordinal);
        Assert.DoesNotContain("cluster", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_checks_that_embedded_scribes_are_in_their_rooms()
    {
        using var directory = new TempDirectory();
        await using var server = await InstantTestServer.StartAsync(
            "-o", "instant.scribe.rooms=welcome", "-o", "instant.scribe.directory=" + directory.PathOf("scribe"));
        var body = await Eventually.SucceedsAsync(async ct =>
        {
            using var ready = await Http.GetAsync(server.Http("/readyz"), ct);
            string text = await ready.Content.ReadAsStringAsync(ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            return text;
        });
        Assert.Contains("scribes: Healthy", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_endpoints_can_be_turned_off()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.health.enabled=no");
        using var response = await Http.GetAsync(server.Http("/readyz"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
