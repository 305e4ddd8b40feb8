using System.Reflection;
using System.Text;
using Instant.Protocol;
using Xunit;

namespace Instant.Actors.Tests.Protocol;

public class ProtocolNamesSpecs
{
    public static TheoryData<Type> NameTables => new() { typeof(MessageTypes), typeof(PayloadTypes) };

    [Theory]
    [MemberData(nameof(NameTables))]
    public void Every_name_has_the_same_utf8_form(Type table)
    {
        var names = table.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();
        var utf8 = table.GetNestedType("Utf8")!;
        Assert.NotEmpty(names);
        Assert.Equal(names.Count, utf8.GetProperties(BindingFlags.Public | BindingFlags.Static).Length);
        foreach (var name in names)
        {
            var property = utf8.GetProperty(name.Name) ?? throw new Xunit.Sdk.XunitException($"{table.Name}.Utf8.{name.Name} is missing");
            // A ReadOnlySpan<byte> cannot be boxed; its getter is read through a delegate.
            var read = property.GetMethod!.CreateDelegate<SpanGetter>();
            Assert.Equal((string)name.GetRawConstantValue()!, Encoding.UTF8.GetString(read()));
        }
    }

    [Fact]
    public void The_wire_names_are_the_protocols()
    {
        Assert.Equal(
            ["identity", "joined", "left", "ping", "pong", "who", "broadcast", "unicast", "response", "error"],
            [MessageTypes.Identity, MessageTypes.Joined, MessageTypes.Left, MessageTypes.Ping, MessageTypes.Pong, MessageTypes.Who,
             MessageTypes.Broadcast, MessageTypes.Unicast, MessageTypes.Response, MessageTypes.Error]);
        Assert.Equal(
            ["post", "nick", "who", "privmsg", "delete", "log-query", "log-info", "log-request", "log", "log-inquiry", "log-done"],
            [PayloadTypes.Post, PayloadTypes.Nick, PayloadTypes.Who, PayloadTypes.Privmsg, PayloadTypes.Delete, PayloadTypes.LogQuery,
             PayloadTypes.LogInfo, PayloadTypes.LogRequest, PayloadTypes.Log, PayloadTypes.LogInquiry, PayloadTypes.LogDone]);
    }

    [Theory]
    [InlineData("00066AEB8A3F7000", 0x00066AEB8A3F7000L)]
    [InlineData("00066aeb8a3f7000", 0x00066AEB8A3F7000L)]
    [InlineData("FFFFFFFFFFFFFFFF", -1L)]
    public void Strict_parsing_takes_exactly_sixteen_hex_digits(string text, long id)
    {
        Assert.True(IdFormat.TryParse(text, out long parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("66AEB8A3F7000")]
    [InlineData(" 0066AEB8A3F7000")]
    [InlineData("00066AEB8A3F700G")]
    [InlineData("000066AEB8A3F7000")]
    [InlineData(null)]
    public void Strict_parsing_refuses_anything_else(string? text) => Assert.False(IdFormat.TryParse(text, out _));

    [Theory]
    [InlineData("66aeb8a3f7000", 0x00066AEB8A3F7000L)]
    [InlineData("1", 1L)]
    [InlineData("7FFFFFFFFFFFFFFF", long.MaxValue)]
    public void Lenient_parsing_takes_short_ids_in_either_case(string text, long id) => Assert.Equal(id, IdFormat.ParseLenient(text));

    [Theory]
    [InlineData("")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("FFFFFFFFFFFFFFFF")]
    [InlineData("00000000000000001")]
    [InlineData(null)]
    public void Lenient_parsing_refuses_signs_spaces_negatives_and_long_text(string? text) => Assert.Null(IdFormat.ParseLenient(text));

    [Fact]
    public void Ids_are_written_as_sixteen_upper_case_hex_digits()
    {
        Assert.Equal("00066AEB8A3F7000", IdFormat.ToHex(0x00066AEB8A3F7000L));
        Assert.Equal("0000000000000001", IdFormat.ToHex((long?)1));
        Assert.Null(IdFormat.ToHex((long?)null));
    }

    private delegate ReadOnlySpan<byte> SpanGetter();
}
