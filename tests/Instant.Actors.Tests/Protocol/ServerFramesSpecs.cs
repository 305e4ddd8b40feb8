using System.Text;
using System.Text.Json;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Xunit;

namespace Instant.Actors.Tests.Protocol;

public class ServerFramesSpecs
{
    private static JsonElement Json(byte[] frame) => JsonDocument.Parse(frame).RootElement;

    [Fact]
    public void Broadcast_carries_the_data_bytes_unchanged()
    {
        var data = """{"z":1,  "a":[1e400,"\ud83d\ude00"]}"""u8.ToArray();

        var frame = Encoding.UTF8.GetString(ServerFrames.Broadcast(0x10, 0x20, data, 1234));

        Assert.Equal("""{"type":"broadcast","id":"0000000000000010","from":"0000000000000020","data":{"z":1,  "a":[1e400,"\ud83d\ude00"]},"timestamp":1234}""", frame);
    }

    [Fact]
    public void Members_without_a_value_are_left_out()
    {
        var frame = Json(ServerFrames.Broadcast(1, 2, default, 5));

        Assert.False(frame.TryGetProperty("data", out _));
        Assert.False(Json(ServerFrames.Pong(default, 5)).TryGetProperty("seq", out _));
    }

    [Fact]
    public void Response_copies_seq_and_names_the_relayed_message()
    {
        var frame = Json(ServerFrames.Response("\"abc\""u8.ToArray(), 0xABCDEF, "unicast", 9));

        Assert.Equal("response", frame.GetProperty("type").GetString());
        Assert.Equal("abc", frame.GetProperty("seq").GetString());
        Assert.Equal("0000000000ABCDEF", frame.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("unicast", frame.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal(9, frame.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public void Identity_names_the_server_and_leaves_out_a_missing_revision()
    {
        var server = new ServerInfo("1.6.0", "era-uuid", null, "hash");

        var data = Json(ServerFrames.Identity(server, 0x42, "some-uuid", 1)).GetProperty("data");

        Assert.Equal("0000000000000042", data.GetProperty("id").GetString());
        Assert.Equal("some-uuid", data.GetProperty("uuid").GetString());
        Assert.Equal("1.6.0", data.GetProperty("version").GetString());
        Assert.Equal("era-uuid", data.GetProperty("era").GetString());
        Assert.Equal("hash", data.GetProperty("configHash").GetString());
        Assert.False(data.TryGetProperty("revision", out _));
    }

    [Fact]
    public void Error_has_code_message_and_detail()
    {
        var frame = Json(ServerFrames.Error("7"u8.ToArray(), ProtocolError.InvalidType, w => w.WriteString("type", "bogus"), 3));

        Assert.Equal(7, frame.GetProperty("seq").GetInt32());
        var data = frame.GetProperty("data");
        Assert.Equal("INVALID_TYPE", data.GetProperty("code").GetString());
        Assert.Equal("Invalid message type", data.GetProperty("message").GetString());
        Assert.Equal("bogus", data.GetProperty("detail").GetProperty("type").GetString());
    }

    [Fact]
    public void Who_maps_each_participant_to_its_uuid()
    {
        var frame = Json(ServerFrames.Who(default, [new(1, "u1"), new(2, "u2")], 0));

        var data = frame.GetProperty("data");
        Assert.Equal("u1", data.GetProperty("0000000000000001").GetProperty("uuid").GetString());
        Assert.Equal("u2", data.GetProperty("0000000000000002").GetProperty("uuid").GetString());
    }
}
