using System.Globalization;
using System.Text;

namespace Instant.Web.Cli;

/// <summary>
/// Reads the Java <c>.properties</c> format: <c>key=value</c>, <c>key: value</c> or
/// <c>key value</c>; <c>#</c>/<c>!</c> comments; backslash line continuation and escapes.
/// </summary>
public static class JavaProperties
{
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in LogicalLines(text))
        {
            int i = SkipWhite(line, 0);
            if (i >= line.Length || line[i] == '#' || line[i] == '!')
            {
                continue;
            }

            var key = new StringBuilder();
            while (i < line.Length && line[i] is not ('=' or ':' or ' ' or '\t' or '\f'))
            {
                i = Unescape(line, i, key);
            }

            i = SkipWhite(line, i);
            if (i < line.Length && line[i] is '=' or ':')
            {
                i = SkipWhite(line, i + 1);
            }

            var value = new StringBuilder();
            while (i < line.Length)
            {
                i = Unescape(line, i, value);
            }

            result[key.ToString()] = value.ToString();
        }

        return result;
    }

    private static IEnumerable<string> LogicalLines(string text)
    {
        var current = new StringBuilder();
        bool continuing = false;
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (continuing)
            {
                line = line.TrimStart(' ', '\t', '\f');
            }
            else if (line.TrimStart(' ', '\t', '\f') is ['#' or '!', ..])
            {
                yield return line; // a comment line never continues
                continue;
            }

            int slashes = 0;
            for (int j = line.Length - 1; j >= 0 && line[j] == '\\'; j--)
            {
                slashes++;
            }

            continuing = slashes % 2 == 1;
            current.Append(continuing ? line[..^1] : line);
            if (!continuing)
            {
                yield return current.ToString();
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    private static int SkipWhite(string s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\f')
        {
            i++;
        }

        return i;
    }

    private static int Unescape(string s, int i, StringBuilder into)
    {
        if (s[i] != '\\' || i + 1 >= s.Length)
        {
            into.Append(s[i]);
            return i + 1;
        }

        char c = s[i + 1];
        switch (c)
        {
            case 't': into.Append('\t'); break;
            case 'n': into.Append('\n'); break;
            case 'r': into.Append('\r'); break;
            case 'f': into.Append('\f'); break;
            case 'u' when i + 5 < s.Length
                && int.TryParse(s.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code):
                into.Append((char)code);
                return i + 6;
            default: into.Append(c); break;
        }

        return i + 2;
    }
}
