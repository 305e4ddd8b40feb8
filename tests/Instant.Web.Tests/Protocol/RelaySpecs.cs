using System.Text.Json;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Protocol;

/// <summary>PROTOCOL.md section 3: ping, who, broadcast and unicast, and the ids of section 5.</summary>
public sealed class RelaySpecs
{
    [Theory]
    [InlineData(ClientPath.Lean, "42")]
    [InlineData(ClientPath.Pipeline, "42")]
    [InlineData(ClientPath.Lean, "\"text\"")]
    [InlineData(ClientPath.Lean, """{"nested":[1,{"a":null}],"b":true}""")]
    [InlineData(ClientPath.Lean, "12345678901234567890")]
    [InlineData(ClientPath.Lean, "[1, 2.50, \"\\u00e9\"]")]
    public async Task Ping_is_answered_with_pong_carrying_the_same_seq(ClientPath via, string seq)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("pings", via);
        await client.SendAsync($$"""{"type":"ping","seq":{{seq}}}""");
        var pong = await client.NextAsync("pong");
        Assert.Equal(seq, pong.SeqText);
        Assert.True(pong.Has("timestamp"));
        Assert.False(pong.Has("data"));
    }

    [Fact]
    public async Task Pong_without_seq_has_no_seq_member()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("pings");
        await client.SendAsync("""{"type":"ping"}""");
        var pong = await client.NextAsync("pong");
        Assert.False(pong.Has("seq"));
        await client.SendAsync("""{"type":"ping","seq":null}""");
        pong = await client.NextAsync("pong");
        Assert.False(pong.Has("seq"));
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Who_maps_every_participant_id_to_its_uuid(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var a = await server.JoinAsync("who", via);
        await using var b = await server.JoinAsync("who", via);
        await using var c = await server.JoinAsync("who");
        await using var elsewhere = await server.JoinAsync("other");

        await a.SendAsync("""{"type":"who","seq":{"q":7}}""");
        var who = await a.NextAsync("who");
        Assert.Equal("""{"q":7}""", who.SeqText);
        var members = who.Data.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(new[] { a.ParticipantId, b.ParticipantId, c.ParticipantId }.Order(), members.Keys.Order());
        foreach (var client in new[] { a, b, c })
        {
            var entry = members[client.ParticipantId];
            Assert.Equal(client.Uuid, entry.GetProperty("uuid").GetString());
            Assert.Single(entry.EnumerateObject());
        }
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_large_broadcast_of_multibyte_text_crosses_buffer_blocks_intact(ClientPath via)
    {
        // ~360 KB: hundreds of the server's 1 KB buffer blocks in and out, with 2-, 3- and 4-byte
        // characters falling across block boundaries at every offset.
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("large", via);
        await using var receiver = await server.JoinAsync("large");
        string[] pieces = ["a", "\u00e9", "\u20ac", "\U0001F600", "bc"];
        var text = string.Concat(Enumerable.Range(0, 150_000).Select(i => pieces[i % pieces.Length]));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) > 300_000);

        // Written by hand: a serializer would escape the non-ASCII characters.
        await sender.SendAsync("{\"type\":\"broadcast\",\"seq\":1,\"data\":{\"text\":\"" + text + "\"}}");
        Assert.Equal(text, (await receiver.NextAsync("broadcast")).Data.GetProperty("text").GetString());
        Assert.Equal(text, (await sender.NextAsync("broadcast")).Data.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Broadcast_is_answered_with_a_response_first_then_relayed_to_everyone_including_the_sender(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("chat", via);
        await using var other = await server.JoinAsync("chat", via);
        await using var elsewhere = await server.JoinAsync("elsewhere");

        await sender.SendAsync("""{"type":"broadcast","seq":"s1","data":{"type":"post","text":"hi"}}""");
        var response = await sender.NextAsync(f => f.Type is "response" or "broadcast");
        Assert.Equal("response", response.Type);
        Assert.Equal("\"s1\"", response.SeqText);
        Assert.Equal("broadcast", response.Data.GetProperty("type").GetString());
        string id = response.Data.GetProperty("id").GetString()!;
        Assert.Equal(2, response.Data.EnumerateObject().Count());

        var echo = await sender.NextAsync("broadcast");
        var relayed = await other.NextAsync("broadcast");
        foreach (var frame in new[] { echo, relayed })
        {
            Assert.Equal(id, frame.Id);
            Assert.Equal(sender.ParticipantId, frame.From);
            Assert.False(frame.Has("seq"));
            Assert.False(frame.Has("to"));
            Assert.Equal("""{"type":"post","text":"hi"}""", frame.Member("data")!.Value.GetRawText());
            Assert.True(frame.Has("timestamp"));
        }

        Assert.Equal(echo.Raw, relayed.Raw);
        await elsewhere.SendAsync("""{"type":"ping","seq":0}""");
        Assert.Equal("pong", (await elsewhere.ReceiveAsync()).Type);
    }

    [Theory]
    [InlineData("""{"z":1,"a":2,"m":{"y":[1,2,{"x":null}],"b":false}}""")]
    [InlineData("""{"text":"\u00e9\ud83d\ude00 \"quoted\" \\ \/ \n","raw":"é😀"}""")]
    [InlineData("""{"big":12345678901234567890,"neg":-0.000000000000000000001,"exp":1E+400,"frac":1.10}""")]
    [InlineData("""[ 1 , "two" ,  {"three" : 3} ]""")]
    [InlineData("\"just a string\"")]
    [InlineData("12345678901234567890123456789")]
    [InlineData("true")]
    [InlineData("{\n  \"indented\" :\t[\r\n 1 ]\n}")]
    [InlineData("""{"dup":1,"dup":2}""")]
    public async Task Broadcast_data_arrives_byte_identical_to_what_was_sent(string data)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("raw");
        await using var other = await server.JoinAsync("raw", ClientPath.Pipeline);
        await sender.SendAsync($$"""{"type":"broadcast","seq":1,"data":{{data}}}""");
        foreach (var client in new[] { sender, other })
        {
            var frame = await client.NextAsync("broadcast");
            Assert.Contains("\"data\":" + data + ",", frame.Raw, StringComparison.Ordinal);
            Assert.Equal(data, frame.Member("data")!.Value.GetRawText());
        }
    }

    [Fact]
    public async Task Unicast_data_arrives_byte_identical_to_what_was_sent()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("raw");
        await using var target = await server.JoinAsync("raw");
        const string data = """{"b":12345678901234567890,"a":"\u00e9\ud83d\ude00","n":{"x":[]}}""";
        await sender.SendAsync($$"""{"to":"{{target.ParticipantId}}","data":{{data}},"type":"unicast","seq":9}""");
        var frame = await target.NextAsync("unicast");
        Assert.Equal(data, frame.Member("data")!.Value.GetRawText());
    }

    [Fact]
    public async Task Broadcast_without_data_relays_no_data_member()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("nodata");
        await sender.SendAsync("""{"type":"broadcast","seq":1}""");
        var frame = await sender.NextAsync("broadcast");
        Assert.False(frame.Has("data"));
        Assert.DoesNotContain("null", frame.Raw, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Unicast_is_answered_with_a_response_and_delivered_to_the_target_only(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("dm", via);
        await using var target = await server.JoinAsync("dm", via);
        await using var bystander = await server.JoinAsync("dm");

        await sender.SendAsync($$$"""{"type":"unicast","seq":[5],"to":"{{{target.ParticipantId}}}","data":{"type":"privmsg","text":"psst"}}""");
        var response = await sender.NextAsync(f => f.Type is "response" or "unicast");
        Assert.Equal("response", response.Type);
        Assert.Equal("[5]", response.SeqText);
        Assert.Equal("unicast", response.Data.GetProperty("type").GetString());
        string id = response.Data.GetProperty("id").GetString()!;

        var delivered = await target.NextAsync("unicast");
        Assert.Equal(id, delivered.Id);
        Assert.Equal(sender.ParticipantId, delivered.From);
        Assert.Equal(target.ParticipantId, delivered.Member("to")!.Value.GetString());
        Assert.Equal("""{"type":"privmsg","text":"psst"}""", delivered.Member("data")!.Value.GetRawText());
        Assert.False(delivered.Has("seq"));

        // The bystander's next frame after its own request is the reply to it: no unicast leaked.
        await bystander.SendAsync("""{"type":"ping","seq":"b"}""");
        var next = await bystander.NextAsync(f => f.Type != "joined");
        Assert.Equal("pong", next.Type);
        // Nor does the sender get a copy.
        await sender.SendAsync("""{"type":"ping","seq":"s"}""");
        next = await sender.NextAsync(f => f.Type != "joined");
        Assert.Equal("pong", next.Type);
    }

    [Fact]
    public async Task Unicast_to_oneself_is_delivered_to_oneself()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("self");
        await client.SendAsync($$"""{"type":"unicast","seq":1,"to":"{{client.ParticipantId.ToLowerInvariant()}}","data":"me"}""");
        var response = await client.NextAsync("response");
        var delivered = await client.NextAsync("unicast");
        Assert.Equal(response.Data.GetProperty("id").GetString(), delivered.Id);
        Assert.Equal(client.ParticipantId, delivered.Member("to")!.Value.GetString()); // normalised to upper case
    }

    [Theory]
    [InlineData("0000000000000001")]
    [InlineData("not an id")]
    [InlineData("")]
    [InlineData("00000000000000000001")]
    [InlineData("../../etc")]
    public async Task Unicast_to_an_unknown_or_invalid_id_answers_NO_PARTICIPANT_with_the_id(string to)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("dm");
        await sender.SendJsonAsync(new { type = "unicast", seq = 3, to, data = new { x = 1 } });
        var error = await sender.NextAsync("error");
        Assert.Equal("3", error.SeqText);
        Assert.Equal("NO_PARTICIPANT", error.ErrorCode);
        Assert.Equal("No such participant", error.Data.GetProperty("message").GetString());
        Assert.Equal(to, error.Data.GetProperty("detail").GetProperty("id").GetString());
        await sender.PingAsync();
    }

    [Fact]
    public async Task Unicast_to_a_participant_of_another_room_answers_NO_PARTICIPANT()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("here");
        await using var target = await server.JoinAsync("there");
        await sender.SendAsync($$"""{"type":"unicast","seq":1,"to":"{{target.ParticipantId}}","data":1}""");
        var error = await sender.NextAsync("error");
        Assert.Equal("NO_PARTICIPANT", error.ErrorCode);
        Assert.Equal(target.ParticipantId, error.Data.GetProperty("detail").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Unicast_to_a_participant_that_left_answers_NO_PARTICIPANT()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("gone");
        await using var target = await server.JoinAsync("gone");
        string id = target.ParticipantId;
        await target.CloseAsync();
        await sender.NextAsync("left");
        await sender.SendAsync($$"""{"type":"unicast","seq":1,"to":"{{id}}","data":1}""");
        Assert.Equal("NO_PARTICIPANT", (await sender.NextAsync("error")).ErrorCode);
    }

    [Fact]
    public async Task Unicast_without_to_answers_NO_PARTICIPANT_with_an_empty_detail()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("dm");
        await using var api = await server.ApiAsync();
        foreach (var client in new[] { sender, api })
        {
            await client.SendAsync("""{"type":"unicast","seq":1,"data":1}""");
            var error = await client.NextAsync("error");
            Assert.Equal("NO_PARTICIPANT", error.ErrorCode);
            Assert.Equal(JsonValueKind.Object, error.Data.GetProperty("detail").ValueKind);
            Assert.Empty(error.Data.GetProperty("detail").EnumerateObject());
        }
    }

    [Fact]
    public async Task Ids_increase_in_relay_order_and_carry_a_plausible_millisecond_timestamp()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var a = await server.JoinAsync("ids");
        await using var b = await server.JoinAsync("ids", ClientPath.Pipeline);
        long started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const int perSender = 50;
        var sends = new[] { a, b }.Select(async (client, index) =>
        {
            for (int i = 0; i < perSender; i++)
            {
                await client.SendAsync($$$"""{"type":"broadcast","seq":{{{i}}},"data":{"sender":{{{index}}},"n":{{{i}}}}}""");
            }
        });
        await Task.WhenAll(sends);

        // Both receive all 100 relays in the same order, ids strictly increasing.
        var orders = new List<List<string>>();
        foreach (var client in new[] { a, b })
        {
            var ids = new List<string>();
            var nextFromSender = new int[2];
            while (ids.Count < 2 * perSender)
            {
                var frame = await client.NextAsync("broadcast");
                ids.Add(frame.Id!);
                int sender = frame.Data.GetProperty("sender").GetInt32();
                Assert.Equal(nextFromSender[sender]++, frame.Data.GetProperty("n").GetInt32()); // per-sender order kept
            }

            orders.Add(ids);
        }

        Assert.Equal(orders[0], orders[1]);
        var values = orders[0].Select(id => Convert.ToInt64(id, 16)).ToList();
        for (int i = 1; i < values.Count; i++)
        {
            Assert.True(values[i] > values[i - 1], $"id {orders[0][i]} after {orders[0][i - 1]}");
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (long id in values)
        {
            Assert.InRange(id >> 10, started - 5_000, now + 5_000);
        }

        // Participant ids come from the same generator: also a time.
        Assert.InRange(Convert.ToInt64(a.ParticipantId, 16) >> 10, started - 120_000, now + 5_000);
    }

    [Fact]
    public async Task Response_ids_equal_relayed_ids_and_seq_is_only_on_direct_replies()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var a = await server.JoinAsync("seq");
        await using var b = await server.JoinAsync("seq");
        await a.SendAsync("""{"type":"broadcast","seq":"x","data":1}""");
        await a.SendAsync($$"""{"type":"unicast","seq":"y","to":"{{b.ParticipantId}}","data":2}""");
        await a.SendAsync("""{"type":"who","seq":"z"}""");
        await a.SendAsync("""{"type":"ping","seq":"w"}""");
        await a.SendAsync("""{"type":"bogus","seq":"v"}""");

        // Room replies (response, who) and connection replies (pong, error) may interleave.
        var seen = new List<Frame>();
        while (seen.Count(f => f.Has("seq")) < 5 || !seen.Any(f => f.Type == "broadcast"))
        {
            seen.Add(await a.ReceiveAsync());
        }

        foreach (var frame in seen)
        {
            bool direct = frame.Type is "response" or "pong" or "who" or "error";
            Assert.Equal(direct, frame.Has("seq"));
        }

        Assert.Equal(["\"v\"", "\"w\"", "\"x\"", "\"y\"", "\"z\""], seen.Where(f => f.Has("seq")).Select(f => f.SeqText!).Order());
        var broadcastResponse = seen.Single(f => f.SeqText == "\"x\"");
        Assert.Equal("response", broadcastResponse.Type);
        Assert.Equal(broadcastResponse.Data.GetProperty("id").GetString(), seen.Single(f => f.Type == "broadcast").Id);
        var unicast = await b.NextAsync("unicast");
        Assert.False(unicast.Has("seq"));
        Assert.Equal(seen.Single(f => f.SeqText == "\"y\"").Data.GetProperty("id").GetString(), unicast.Id);
    }
}
