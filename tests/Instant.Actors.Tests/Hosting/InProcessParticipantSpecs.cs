using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Connections;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Instant.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Instant.Actors.Tests.Hosting;

/// <summary>In-process participants in rooms of a host wired as production wires it.</summary>
public sealed class InProcessParticipantSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private IHost _host = null!;

    private CancellationToken Timeout => _timeout.Token;

    private InstantConnections Connections => _host.Services.GetRequiredService<InstantConnections>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddInstantCore(new ServerInfo("1.6.0", "00000000-0000-1000-8000-000000000000", null, "test"), new ConnectionLimits(), TimeSpan.FromMinutes(5));
        builder.Services.AddAkka("in-process-participant-spec", (akka, _) =>
        {
            akka.AddInstantDefaults();
            akka.AddInstantRooms();
        });
        _host = builder.Build();
        await _host.StartAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Participants_see_each_other_as_clients_and_relay_posts()
    {
        var alice = await InProcessParticipant.JoinAsync(Connections, "spec", Timeout);
        var bob = await InProcessParticipant.JoinAsync(Connections, "spec", Timeout, uuid: "0f1e2d3c-4b5a-1000-8000-000000000001");

        var joined = await alice.ReceiveAsync(f => (string?)f["type"] == MessageTypes.Joined && (string?)f["data"]!["id"] != alice.WireId, Timeout);
        Assert.Equal(bob.WireId, (string?)joined["data"]!["id"]);
        Assert.Equal("0f1e2d3c-4b5a-1000-8000-000000000001", (string?)joined["data"]!["uuid"]);
        Assert.Equal(IdFormat.ToHex(bob.Id), bob.WireId);

        bob.SendJson(new { type = "broadcast", data = new { type = "post", nick = "bob", text = "hello" } });
        var post = await alice.ReceiveAsync(f => (string?)f["type"] == MessageTypes.Broadcast, Timeout);
        Assert.Equal(bob.WireId, (string?)post["from"]);
        Assert.Equal("hello", (string?)post["data"]!["text"]);

        // Bob's first frame had seq 0; the server answers it with the id it gave the post.
        var response = await bob.ReceiveAsync(f => (string?)f["type"] == MessageTypes.Response, Timeout);
        Assert.Equal(0, (int)response["seq"]!);
        Assert.Equal((string?)post["id"], (string?)response["data"]!["id"]);
    }

    [Fact]
    public async Task Frames_sent_before_the_connection_opens_arrive_after_identity_in_order()
    {
        var early = new InProcessParticipant(Connections, "spec");
        early.SendJson(new { type = "who", seq = 7 });
        early.SendJson(new { type = "who", seq = 8 });
        early.Send(Encoding.UTF8.GetBytes("[not an object]"));

        await early.OpenAsync().WaitAsync(Patience);

        // The error is the connection's own answer, the who replies come from the room: they may
        // interleave, but identity is first and the who replies keep the order they were sent in.
        var frames = new List<JsonObject>();
        while (frames.Count(f => (string?)f["type"] is MessageTypes.Who or MessageTypes.Error) < 3)
        {
            frames.Add(JsonNode.Parse(await early.ReceiveAsync(Timeout))!.AsObject());
        }

        Assert.Equal(MessageTypes.Identity, (string?)frames[0]["type"]);
        var whos = frames.Where(f => (string?)f["type"] == MessageTypes.Who).ToList();
        Assert.Equal([7, 8], whos.Select(f => (int)f["seq"]!));
        Assert.NotNull(whos[0]["data"]![early.WireId]);
        var error = Assert.Single(frames, f => (string?)f["type"] == MessageTypes.Error);
        Assert.Equal("INVALID_JSON", (string?)error["data"]!["code"]);
    }

    [Fact]
    public async Task With_a_callback_every_frame_goes_to_it_and_none_is_queued()
    {
        var frames = Channel.CreateUnbounded<byte[]>();
        var watched = new InProcessParticipant(Connections, "spec", frame => frames.Writer.TryWrite(frame));
        var connection = await watched.OpenAsync().WaitAsync(Patience);

        var identity = JsonNode.Parse(await frames.Reader.ReadAsync(Timeout))!;
        Assert.Equal(MessageTypes.Identity, (string?)identity["type"]);
        Assert.Equal(watched.WireId, (string?)identity["data"]!["id"]);
        Assert.Equal(watched.Uuid, (string?)identity["data"]!["uuid"]);
        Assert.Same(connection, await watched.OpenAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => watched.ReceiveAsync(Timeout));
    }

    [Fact]
    public async Task Leaving_is_seen_by_the_room_and_ends_the_participant()
    {
        var stays = await InProcessParticipant.JoinAsync(Connections, "spec", Timeout);
        var leaves = await InProcessParticipant.JoinAsync(Connections, "spec", Timeout);

        leaves.Leave();

        var left = await stays.ReceiveAsync(f => (string?)f["type"] == MessageTypes.Left, Timeout);
        Assert.Equal(leaves.WireId, (string?)left["data"]!["id"]);
        Assert.Null(await leaves.Closed.WaitAsync(Patience));
        await Assert.ThrowsAsync<ChannelClosedException>(async () =>
        {
            while (true)
            {
                await leaves.ReceiveAsync(Timeout); // what was queued before leaving, then the end
            }
        });
    }

    [Fact]
    public async Task When_the_server_closes_the_connection_the_participant_learns_why()
    {
        var stays = await InProcessParticipant.JoinAsync(Connections, "spec", Timeout);
        var dropped = await InProcessParticipant.JoinAsync(Connections, "spec", Timeout);
        var directory = _host.Services.GetRequiredService<ParticipantDirectory>();

        directory.Find(dropped.Id)!.Tell(new CloseConnection(ConnectionCloseReason.ServerShutdown));

        Assert.Equal(ConnectionCloseReason.ServerShutdown, await dropped.Closed.WaitAsync(Patience));
        var left = await stays.ReceiveAsync(f => (string?)f["type"] == MessageTypes.Left, Timeout);
        Assert.Equal(dropped.WireId, (string?)left["data"]!["id"]);
    }
}
