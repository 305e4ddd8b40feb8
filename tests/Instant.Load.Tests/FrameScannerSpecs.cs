using System.Text;
using Instant.Load.Client;
using Xunit;

namespace Instant.Load.Tests;

public sealed class FrameScannerSpecs
{
    [Fact]
    public void Finds_type_id_and_the_load_marker_in_any_key_order()
    {
        var json = """{"data":{"load":{"t":123456789,"n":7,"s":42},"text":"x","type":"post","parent":null},"id":"0000018BCFE7A400","from":"0000018BCFE56A0C","type":"broadcast","timestamp":1}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(FrameScanner.Scan(bytes, out var f));
        Assert.Equal(FrameType.Broadcast, f.Type);
        Assert.Equal(PayloadType.Post, f.Payload);
        Assert.Equal("0000018BCFE7A400", Encoding.UTF8.GetString(bytes, f.IdStart, f.IdLength));
        Assert.Equal("0000018BCFE56A0C", Encoding.UTF8.GetString(bytes, f.FromStart, f.FromLength));
        Assert.True(f.HasMarker);
        Assert.Equal((42, 7, 123456789), (f.MarkSender, f.MarkSeq, f.MarkTicks));
    }

    [Fact]
    public void A_post_without_marker_or_a_non_object_is_recognised_as_such()
    {
        Assert.True(FrameScanner.Scan("""{"type":"broadcast","data":{"type":"post","text":"hi"}}"""u8, out var f));
        Assert.False(f.HasMarker);
        Assert.True(FrameScanner.Scan("""{"type":"pong","seq":1}"""u8, out f));
        Assert.Equal(FrameType.Pong, f.Type);
        Assert.False(FrameScanner.Scan("[1,2]"u8, out _));
        Assert.False(FrameScanner.Scan("{\"type\":"u8, out _));
    }
}
