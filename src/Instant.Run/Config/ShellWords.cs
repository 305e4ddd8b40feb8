using System.Text;
using System.Text.RegularExpressions;

namespace Instant.Run.Config;

/// <summary>Shell-like word splitting and quoting, as Python's <c>shlex</c> does in POSIX mode.</summary>
public static partial class ShellWords
{
    /// <summary>Splits <paramref name="text"/> into words; throws <see cref="FormatException"/> on bad quoting.</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            switch (c)
            {
                case '\\':
                    if (++i >= text.Length) throw new FormatException("No escaped character after a trailing backslash");
                    word.Append(text[i]);
                    break;
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0) throw new FormatException("No closing quotation");
                    word.Append(text, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    for (i++; ; i++)
                    {
                        if (i >= text.Length) throw new FormatException("No closing quotation");
                        var q = text[i];
                        if (q == '"') break;
                        // Inside double quotes a backslash only escapes '"' and itself.
                        if (q == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\') q = text[++i];
                        word.Append(q);
                    }
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    [GeneratedRegex("^[a-zA-Z0-9%+,./:^_-]+$")]
    private static partial Regex BareWord();

    /// <summary>Quotes a word for display the way the original's <c>show</c> does.</summary>
    public static string Quote(string word)
    {
        if (BareWord().IsMatch(word)) return word;
        if (!word.Contains('\'')) return $"'{word}'";
        var quoted = new StringBuilder("\"");
        foreach (var c in word)
        {
            if (c is '"' or '$' or '`' or '\\') quoted.Append('\\');
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }
}
