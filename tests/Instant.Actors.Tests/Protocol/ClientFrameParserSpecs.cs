using System.Text;
using Instant.Actors.Protocol;
using Xunit;

namespace Instant.Actors.Tests.Protocol;

public class ClientFrameParserSpecs
{
    private static ClientFrame? Parse(string json) => ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json));

    private static string Text(ReadOnlyMemory<byte> slice) => Encoding.UTF8.GetString(slice.Span);

    [Fact]
    public void Finds_type_seq_to_and_keeps_data_raw()
    {
        var frame = Parse("""{"seq": [1, "x"], "type":"unicast","to":"0000000000000001","data":{"b":1,"a":12345678901234567890,"t":"\u00e9"}}""");

        Assert.NotNull(frame);
        Assert.Equal("unicast", frame.Type);
        Assert.Equal("0000000000000001", frame.To);
        Assert.Equal("""[1, "x"]""", Text(frame.Seq));
        Assert.Equal("""{"b":1,"a":12345678901234567890,"t":"\u00e9"}""", Text(frame.Data));
    }

    [Fact]
    public void Escaped_member_names_are_recognised()
    {
        var frame = Parse("""{"\u0074ype":"ping"}""");

        Assert.Equal("ping", frame!.Type);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("{\"type\":\"ping\"")]
    [InlineData("{\"type\":\"ping\"} trailing")]
    [InlineData("{\"type\":\"ping\"}{}")]
    [InlineData("{\"data\":{\"a\":}}")]
    public void Anything_but_one_JSON_object_is_refused(string json) => Assert.Null(Parse(json));

    // Found by ClientFrameParserFuzzSpecs: reading such a name, type or to as text threw out of the parser.
    [Theory]
    [InlineData("""{"\ud800":1,"type":"ping"}""")]
    [InlineData("""{"type":"\ud800"}""")]
    [InlineData("""{"type":"who","to":"\udc00"}""")]
    public void A_member_name_type_or_to_that_escapes_a_lone_surrogate_is_refused(string json) => Assert.Null(Parse(json));

    [Fact]
    public void White_space_around_the_object_is_fine() => Assert.NotNull(Parse(" \n{\"type\":\"who\"}\t "));

    [Fact]
    public void Null_members_count_as_absent()
    {
        var frame = Parse("""{"type":null,"seq":null,"data":null,"to":null}""")!;

        Assert.Null(frame.Type);
        Assert.True(frame.Seq.IsEmpty);
        Assert.True(frame.Data.IsEmpty);
        Assert.Null(frame.To);
    }

    [Theory]
    [InlineData("5", "5")]
    [InlineData("true", "true")]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    public void A_type_that_is_not_a_string_is_named_by_its_JSON_text(string json, string expected)
        => Assert.Equal(expected, Parse($$"""{"type":{{json}},"seq":1}""")!.Type);

    [Fact]
    public void The_last_of_duplicate_members_wins()
    {
        var frame = Parse("""{"type":"ping","type":"who"}""")!;

        Assert.Equal("who", frame.Type);
    }
}
