using System.Text;

namespace Instant.Run.Master;

/// <summary>
/// The master's line protocol: words separated by single spaces, with the escapes
/// <c>\\</c>, <c>\ </c> (space), <c>\n</c> (newline) and <c>\z</c> (empty word).
/// </summary>
public static class WireLine
{
    public static string Format(IEnumerable<string> words) => string.Join(' ', words.Select(Escape));

    public static string Escape(string word)
    {
        if (word.Length == 0) return "\\z";
        return word.Replace("\\", "\\\\").Replace(" ", "\\ ").Replace("\n", "\\n");
    }

    /// <summary>Splits a line; throws <see cref="FormatException"/> on a bad escape.</summary>
    public static List<string> Parse(string line)
    {
        var words = new List<string>();
        if (line.Length == 0) return words;
        var word = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == ' ')
            {
                words.Add(word.ToString());
                word.Clear();
                continue;
            }
            if (c != '\\')
            {
                word.Append(c);
                continue;
            }
            if (++i >= line.Length) throw new FormatException("Trailing backslash");
            switch (line[i])
            {
                case '\\': word.Append('\\'); break;
                case ' ': word.Append(' '); break;
                case 'n': word.Append('\n'); break;
                case 'z': break;
                default: throw new FormatException($"Invalid escape \\{line[i]}");
            }
        }
        words.Add(word.ToString());
        return words;
    }
}
