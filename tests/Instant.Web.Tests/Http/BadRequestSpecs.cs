using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Http;

/// <summary>Requests no browser sends: answered 400 (not 500), with at most one log line.</summary>
public sealed class BadRequestSpecs
{
    [Theory]
    [InlineData("/room/x?a=\r")]
    [InlineData("/room/x?a=\u0001")]
    [InlineData("/room/x?a=\u007f")]
    [InlineData("/room/x?a=\u00e9")]
    [InlineData("/room/x?\t")]
    public async Task Control_characters_in_the_query_of_a_room_redirect_are_a_400_with_one_log_line_at_most(string target)
    {
        await using var server = await InstantTestServer.StartAsync();
        var response = await RawHttp.GetAsync(server.Port, target);
        Assert.Equal(400, response.Status);

        // The server is fine, and wrote no stack trace for it.
        Assert.Equal(301, (await RawHttp.GetAsync(server.Port, "/room/x?a=1")).Status);
        string debug = server.ReadDebugLog();
        Assert.DoesNotContain(" at ", debug, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", debug, StringComparison.Ordinal);
        Assert.True(debug.Split('\n').Count(l => l.Length > 0) <= 4, debug); // the three start-up lines, and one more at most
    }
}
