using Instant.Web.Cli;
using Xunit;

namespace Instant.Web.Tests.Cli;

/// <summary>The Java properties format of <c>--config</c> files.</summary>
public sealed class JavaPropertiesSpecs
{
    [Theory]
    [InlineData("key=value", "key", "value")]
    [InlineData("key = value", "key", "value")]
    [InlineData("key:value", "key", "value")]
    [InlineData("key : value", "key", "value")]
    [InlineData("key value", "key", "value")]
    [InlineData("key\tvalue", "key", "value")]
    [InlineData("   key=value", "key", "value")]
    [InlineData("key=value with spaces  ", "key", "value with spaces  ")]
    [InlineData("key=a=b:c", "key", "a=b:c")]
    [InlineData("key", "key", "")]
    [InlineData("key=", "key", "")]
    [InlineData("key   ", "key", "")]
    [InlineData("a\\=b=c", "a=b", "c")]
    [InlineData("a\\:b:c", "a:b", "c")]
    [InlineData("a\\ b c", "a b", "c")]
    [InlineData("k=tab\\there", "k", "tab\there")]
    [InlineData("k=\\n\\r\\f", "k", "\n\r\f")]
    [InlineData("k=\\u00e9t\\u00E9", "k", "été")]
    [InlineData("k=back\\\\slash", "k", "back\\slash")]
    [InlineData("k=\\q", "k", "q")]
    [InlineData("k=#not a comment", "k", "#not a comment")]
    public void A_line_is_a_key_a_separator_and_a_value(string line, string key, string value)
    {
        var parsed = JavaProperties.Parse(line);
        Assert.Equal(value, Assert.Contains(key, parsed));
        Assert.Single(parsed);
    }

    [Fact]
    public void Comments_and_blank_lines_are_skipped()
    {
        var parsed = JavaProperties.Parse("# a comment\n! another\n   # indented\n\n  \nk=v\n#k=w\n");
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v" }, parsed);
    }

    [Fact]
    public void A_trailing_backslash_continues_the_line_and_leading_white_space_is_dropped()
    {
        var parsed = JavaProperties.Parse("list = one, \\\n        two, \\\n\tthree\nnext=1\n");
        Assert.Equal("one, two, three", parsed["list"]);
        Assert.Equal("1", parsed["next"]);
    }

    [Fact]
    public void An_escaped_backslash_at_the_end_does_not_continue()
    {
        var parsed = JavaProperties.Parse("a=x\\\\\nb=y\n");
        Assert.Equal("x\\", parsed["a"]);
        Assert.Equal("y", parsed["b"]);
    }

    [Fact]
    public void A_comment_line_ending_in_a_backslash_does_not_swallow_the_next()
    {
        var parsed = JavaProperties.Parse("# comment \\\nk=v\n");
        Assert.Equal("v", parsed["k"]);
    }

    [Fact]
    public void Windows_line_ends_and_later_duplicates()
    {
        var parsed = JavaProperties.Parse("a=1\r\nb=2\r\na=3\r\n");
        Assert.Equal("3", parsed["a"]);
        Assert.Equal("2", parsed["b"]);
    }

    [Fact]
    public void The_last_line_may_lack_a_newline_or_end_in_a_continuation()
    {
        Assert.Equal("v", JavaProperties.Parse("k=v")["k"]);
        Assert.Equal("v", JavaProperties.Parse("k=v\\")["k"]);
    }
}
