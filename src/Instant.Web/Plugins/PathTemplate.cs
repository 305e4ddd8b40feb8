using System.Text;
using System.Text.RegularExpressions;

namespace Instant.Web.Plugins;

/// <summary>Expands an alias or redirect template: <c>\N</c> and <c>\{N}</c> are group N of the match, <c>\\</c> a backslash.</summary>
public static class PathTemplate
{
    public static string Expand(string template, Match match)
    {
        var result = new StringBuilder(template.Length + 16);
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c != '\\' || i + 1 >= template.Length)
            {
                result.Append(c);
                continue;
            }

            char next = template[i + 1];
            if (next == '\\')
            {
                result.Append('\\');
                i++;
            }
            else if (char.IsAsciiDigit(next))
            {
                int end = i + 1;
                while (end < template.Length && char.IsAsciiDigit(template[end]))
                {
                    end++;
                }

                result.Append(match.Groups[int.Parse(template[(i + 1)..end])].Value);
                i = end - 1;
            }
            else if (next == '{' && template.IndexOf('}', i + 2) is int close and > 0
                && int.TryParse(template.AsSpan(i + 2, close - i - 2), out int group))
            {
                result.Append(match.Groups[group].Value);
                i = close;
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }
}
