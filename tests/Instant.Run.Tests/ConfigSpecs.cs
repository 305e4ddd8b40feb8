using Instant.Run.Config;
using Xunit;

namespace Instant.Run.Tests;

public class IniDocumentSpecs
{
    [Fact]
    public void Reads_sections_keys_comments_and_continuations()
    {
        var doc = IniDocument.Parse("""
            ; comment
            # another comment
            [A]
            Key = value one
            other: two
            multi=first
                second

              third
            ; dropped comment
            [B]
            x=
            """);
        Assert.Equal(["A", "B"], doc.SectionNames);
        var a = doc.GetSection("A")!;
        Assert.Equal("value one", a["key"]);
        Assert.Equal("two", a["other"]);
        Assert.Equal("first\nsecond\n\nthird", a["multi"]);
        Assert.Equal("", doc.GetSection("B")!["x"]);
        Assert.Equal(["key", "other", "multi"], a.Keys);
    }

    [Fact]
    public void Default_values_appear_in_every_section()
    {
        var doc = IniDocument.Parse("[DEFAULT]\nd=1\nx=0\n[s]\nx=2\n");
        var s = doc.GetSection("s")!;
        Assert.Equal("1", s["d"]);
        Assert.Equal("2", s["x"]);
        Assert.Equal(["s"], doc.SectionNames);
    }

    [Theory]
    [InlineData("[a]\nx=1\n[a]\n", "section [a] appears twice")]
    [InlineData("[a]\nx=1\nX=2\n", "key 'x' appears twice")]
    [InlineData("x=1\n", "outside of any section")]
    [InlineData("[a]\njust words\n", "expected 'key=value'")]
    public void Bad_files_give_clear_errors(string text, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => IniDocument.Parse(text, "run.ini"));
        Assert.Contains(expected, error.Message);
        Assert.Contains("run.ini:", error.Message);
    }
}

public class SectionResolverSpecs
{
    private static SectionResolver Resolver(string text) => new(IniDocument.Parse(text));

    /// <summary>The interpolation example of RUNNING.md, verbatim.</summary>
    private const string RunningMdExample = """
        ; This is a comment.

        [secA]
        ; This (trivially) resolves to "valueA".
        a=valueA
        ; This resolves to the empty string.
        y=${test1}
        ; This resolves to "secA".
        z=${__name__}

        [secA/]
        ; The following pairs are inherited from secA:
        ;a=valueA      ; Resolves to "valueA".
        ;y=${test1}    ; Resolves to the empty string in here.
        ;z=${__name__} ; Resolves to the empty string in here.

        [secA/subsecA]
        ; The following pairs are inherited from secA via secA/:
        ;a=valueA      ; Resolves to "valueA".
        ;y=${test1}    ; Resolves to "valueA valueB" in here.
        ;z=${__name__} ; Resolves to "subsecA" in here.
        ; This resolves (trivially as well) to "valueB".
        b=valueB
        ; This resolves to "valueA valueB".
        test1=${a} $b
        ; This resolves to "valueA valueBX".
        test2=${y}X
        ; This would be an error if it were not a comment.
        ;test3=${test3}
        ; This resolves to "I am in subsecA a.k.a. secA/subsecA.".
        test4=I am in ${z} a.k.a. ${__fullname__}.
        """;

    [Fact]
    public void Running_md_example_resolves_as_its_comments_state()
    {
        var resolver = Resolver(RunningMdExample);
        var secA = resolver.Resolve("secA");
        Assert.Equal("valueA", secA["a"]);
        Assert.Equal("", secA["y"]);
        Assert.Equal("secA", secA["z"]);

        var template = resolver.Resolve("secA/");
        Assert.Equal("valueA", template["a"]);
        Assert.Equal("", template["y"]);
        Assert.Equal("", template["z"]);

        var sub = resolver.Resolve("secA/subsecA");
        Assert.Equal("valueA", sub["a"]);
        Assert.Equal("valueA valueB", sub["y"]);
        Assert.Equal("subsecA", sub["z"]);
        Assert.Equal("valueB", sub["b"]);
        Assert.Equal("valueA valueB", sub["test1"]);
        Assert.Equal("valueA valueBX", sub["test2"]);
        Assert.Equal("I am in subsecA a.k.a. secA/subsecA.", sub["test4"]);
        // Parent keys first, then own keys; reserved keys are not in the result.
        Assert.Equal(["a", "y", "z", "b", "test1", "test2", "test4"], sub.Keys);
    }

    [Fact]
    public void The_commented_out_self_reference_is_a_clear_error()
    {
        var resolver = Resolver(RunningMdExample.Replace(";test3=${test3}", "test3=${test3}"));
        var error = Assert.Throws<ConfigException>(() => resolver.Resolve("secA/subsecA"));
        Assert.Contains("Circular reference in section [secA/subsecA]: test3 -> test3", error.Message);
    }

    [Fact]
    public void Longer_reference_cycles_are_reported_with_their_path()
    {
        var error = Assert.Throws<ConfigException>(() => Resolver("[s]\na=$b\nb=${c}x\nc=$a\n").Resolve("s"));
        Assert.Contains("a -> b -> c -> a", error.Message);
    }

    [Theory]
    [InlineData("a/b/c", "a/b/")]
    [InlineData("a/b/", "a/b")]
    [InlineData("a/b", "a/")]
    [InlineData("a/", "a")]
    [InlineData("a", null)]
    public void Parents_follow_the_name_hierarchy(string name, string? parent) =>
        Assert.Equal(parent, SectionResolver.ParentOf(name));

    [Fact]
    public void Inheritance_passes_through_missing_sections()
    {
        var values = Resolver("[a]\nx=1\ny=1\n[a/b/c]\ny=2\n").Resolve("a/b/c");
        Assert.Equal("1", values["x"]);
        Assert.Equal("2", values["y"]);
    }

    [Fact]
    public void Import_sits_between_parent_and_own_values()
    {
        var values = Resolver("""
            [lib]
            p=lib
            q=lib
            r=lib
            [base]
            p=parent
            q=parent
            s=parent
            [base/x]
            __import__=lib
            r=own
            """).Resolve("base/x");
        Assert.Equal("lib", values["p"]);
        Assert.Equal("lib", values["q"]);
        Assert.Equal("own", values["r"]);
        Assert.Equal("parent", values["s"]);
        Assert.False(values.ContainsKey("__import__"));
        Assert.Equal(["p", "q", "s", "r"], values.Keys);
    }

    [Fact]
    public void Imported_sections_bring_their_own_parents_and_imports()
    {
        var values = Resolver("[root]\nr=1\n[root/lib]\n__import__=more\n[more]\nm=2\n[s]\n__import__=root/lib\n").Resolve("s");
        Assert.Equal("1", values["r"]);
        Assert.Equal("2", values["m"]);
    }

    [Fact]
    public void Import_cycles_are_clear_errors()
    {
        var error = Assert.Throws<ConfigException>(() => Resolver("[a]\n__import__=b\n[b]\n__import__=a\n").Resolve("a"));
        Assert.Contains("Circular inheritance or import: [a] -> [b] -> [a]", error.Message);
    }

    [Fact]
    public void Interpolation_follows_string_template_rules()
    {
        var values = Resolver("""
            [s]
            a-b=dash
            ref=$a-b!
            dollar=$$5 and $$
            unknown=[${nope}]
            name=${__name__}
            """).Resolve("s/t");
        Assert.Equal("dash!", values["ref"]);
        Assert.Equal("$5 and $", values["dollar"]);
        Assert.Equal("[]", values["unknown"]);
        Assert.Equal("t", values["name"]);
    }

    [Theory]
    [InlineData("x=$5")]
    [InlineData("x=${bad key}")]
    [InlineData("x=trailing $")]
    [InlineData("x=${unclosed")]
    public void Invalid_dollar_signs_are_clear_errors(string line)
    {
        var error = Assert.Throws<ConfigException>(() => Resolver("[s]\n" + line + "\n").Resolve("s"));
        Assert.Contains("Invalid '$' reference in section [s], key 'x'", error.Message);
    }

    [Fact]
    public void Reserved_keys_are_dropped_but_can_be_referenced()
    {
        var values = Resolver("[s]\n__secret__=hidden\nx=$__secret__ ${__fullname__}\n").Resolve("s");
        Assert.Equal(["x"], values.Keys);
        Assert.Equal("hidden s", values["x"]);
    }

    [Theory]
    [InlineData("[/a]\n", "starts with '/'")]
    [InlineData("[a//b]\n", "contains '//'")]
    [InlineData("[a]\n__import__=/x\n", "Invalid __import__ in [a]")]
    public void Bad_section_names_are_rejected(string text, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Resolver(text).Validate());
        Assert.Contains(expected, error.Message);
    }
}

public class ShellWordsSpecs
{
    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("'x y' \"p q\" r\\ s", new[] { "x y", "p q", "r s" })]
    [InlineData("\"a\\\"b\\\\c\\d\"", new[] { "a\"b\\c\\d" })]
    [InlineData("ab'cd'\"ef\"", new[] { "abcdef" })]
    [InlineData("''", new[] { "" })]
    [InlineData("line\none", new[] { "line", "one" })]
    public void Splits_like_shlex(string text, string[] expected) => Assert.Equal(expected, ShellWords.Split(text));

    [Theory]
    [InlineData("'open")]
    [InlineData("\"open")]
    [InlineData("end\\")]
    public void Bad_quoting_is_an_error(string text) => Assert.Throws<FormatException>(() => ShellWords.Split(text));

    [Theory]
    [InlineData("plain/path.txt", "plain/path.txt")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's $x", "\"it's \\$x\"")]
    public void Quotes_for_show(string word, string expected) => Assert.Equal(expected, ShellWords.Quote(word));
}
