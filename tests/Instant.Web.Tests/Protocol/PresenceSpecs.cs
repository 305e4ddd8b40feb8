using System.Text.Json;
using System.Text.RegularExpressions;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Protocol;

/// <summary>PROTOCOL.md section 4: identity, joined and left, on both server paths.</summary>
public sealed partial class PresenceSpecs
{
    [GeneratedRegex("^[0-9A-F]{16}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Uuid1Pattern();

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Identity_is_the_first_frame_with_id_uuid_version_era_and_config_hash(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var client = await TestSocket.ConnectAsync(server, "/room/test/ws", via);
        var identity = await client.ReceiveAsync();

        Assert.Equal("identity", identity.Type);
        var data = identity.Data;
        Assert.Matches(IdPattern(), data.GetProperty("id").GetString());
        Assert.Matches(Uuid1Pattern(), data.GetProperty("uuid").GetString());
        Assert.Equal(InstantServer.Version, data.GetProperty("version").GetString());
        Assert.True(Guid.TryParseExact(data.GetProperty("era").GetString(), "D", out _));
        Assert.False(string.IsNullOrEmpty(data.GetProperty("configHash").GetString()));
        if (InstantServer.Revision is { } revision)
        {
            Assert.Equal(revision, data.GetProperty("revision").GetString());
        }
        else
        {
            Assert.False(data.TryGetProperty("revision", out _));
        }

        long timestamp = identity.Root.GetProperty("timestamp").GetInt64();
        Assert.InRange(timestamp, before - 60_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000);
        Assert.False(identity.Has("seq"));
        Assert.False(identity.Has("from"));
        Assert.DoesNotContain("null", identity.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Era_is_the_same_for_every_connection_of_a_server_and_differs_between_servers()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var a = await server.JoinAsync("one");
        await using var b = await server.JoinAsync("two");
        await using var c = await server.ApiAsync(ClientPath.Pipeline);
        string era = a.Identity.Data.GetProperty("era").GetString()!;
        Assert.Equal(era, b.Identity.Data.GetProperty("era").GetString());
        Assert.Equal(era, c.Identity.Data.GetProperty("era").GetString());
        Assert.NotEqual(a.ParticipantId, b.ParticipantId);
        Assert.Equal(a.Identity.Data.GetProperty("configHash").GetString(), b.Identity.Data.GetProperty("configHash").GetString());

        await using var other = await InstantTestServer.StartAsync();
        await using var d = await other.JoinAsync("one");
        Assert.NotEqual(era, d.Identity.Data.GetProperty("era").GetString());
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Joined_goes_to_everyone_including_the_newcomer_right_after_its_identity(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var first = await server.JoinAsync("lobby", via);

        await using var second = await TestSocket.ConnectAsync(server, "/room/lobby/ws", via);
        var identity = await second.IdentityAsync();
        var own = await second.ReceiveAsync();
        Assert.Equal("joined", own.Type);
        Assert.Equal(second.ParticipantId, own.Data.GetProperty("id").GetString());
        Assert.Equal(second.Uuid, own.Data.GetProperty("uuid").GetString());
        Assert.False(own.Has("seq"));
        Assert.Equal(identity.Data.GetProperty("id").GetString(), own.Data.GetProperty("id").GetString());

        var seen = await first.NextAsync("joined");
        Assert.Equal(second.ParticipantId, seen.Data.GetProperty("id").GetString());
        Assert.Equal(second.Uuid, seen.Data.GetProperty("uuid").GetString());
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Left_goes_to_the_others_when_a_connection_closes(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var stays = await server.JoinAsync("lobby");
        await using var goes = await server.JoinAsync("lobby", via);
        await stays.NextAsync(f => f.Type == "joined" && f.Data.GetProperty("id").GetString() == goes.ParticipantId);

        await goes.CloseAsync();
        var left = await stays.NextAsync("left");
        Assert.Equal(goes.ParticipantId, left.Data.GetProperty("id").GetString());
        Assert.False(left.Has("seq"));
        Assert.True(left.Root.GetProperty("timestamp").ValueKind == JsonValueKind.Number);
    }

    [Fact]
    public async Task Left_is_sent_also_when_a_client_vanishes_without_a_close_frame()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var stays = await server.JoinAsync("lobby");
        await using var goes = await server.JoinAsync("lobby");
        goes.Abort();
        var left = await stays.NextAsync("left");
        Assert.Equal(goes.ParticipantId, left.Data.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Rooms_are_separate()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var red = await server.JoinAsync("red");
        await using var blue = await server.JoinAsync("blue");
        await blue.SendAsync("""{"type":"broadcast","seq":1,"data":"to blue"}""");
        await blue.NextAsync("broadcast");
        await red.SendAsync("""{"type":"who","seq":2}""");
        var who = await red.NextAsync("who");
        Assert.Equal([red.ParticipantId], who.Data.EnumerateObject().Select(p => p.Name));

        // Whatever red receives next is its own pong: nothing of blue's leaked in.
        await red.SendAsync("""{"type":"ping","seq":3}""");
        var next = await red.ReceiveAsync();
        Assert.Equal("pong", next.Type);
    }
}
