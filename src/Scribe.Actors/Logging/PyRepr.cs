using System.Globalization;
using System.Text;

namespace Scribe.Actors.Logging;

/// <summary>A value written as a bare word (the original's <c>%s</c>), e.g. <c>version=v1.6.0</c>.</summary>
public sealed record BareWord(string Text);

/// <summary>Python's <c>Ellipsis</c>, which the logfile uses for "in-memory database".</summary>
public sealed class PyEllipsis
{
    public static readonly PyEllipsis Instance = new();

    private PyEllipsis()
    {
    }

    public override string ToString() => "Ellipsis";
}

/// <summary>
/// Writes values the way the original's logfile does: Python <c>repr()</c> (single quotes, or
/// double quotes when the text has <c>'</c> but no <c>"</c>), tuples <c>(a,b)</c>, dicts
/// <c>{k:v}</c> without spaces, and everything outside ASCII as <c>\xhh</c>/<c>\uhhhh</c>/<c>\Uhhhhhhhh</c>,
/// which is what repr followed by forcing the line to ASCII with backslash-replace gives.
/// </summary>
public static class PyRepr
{
    public static string Format(object? value)
    {
        var builder = new StringBuilder();
        Append(builder, value);
        return builder.ToString();
    }

    public static void Append(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("None");
                break;
            case bool b:
                builder.Append(b ? "True" : "False");
                break;
            case BareWord word:
                AppendAscii(builder, word.Text);
                break;
            case PyEllipsis:
                builder.Append("Ellipsis");
                break;
            case string s:
                AppendString(builder, s);
                break;
            case int or long or short or byte or uint or ulong:
                builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(FormatFloat(d));
                break;
            case System.Collections.IDictionary dict:
                builder.Append('{');
                bool firstEntry = true;
                foreach (System.Collections.DictionaryEntry entry in dict)
                {
                    if (!firstEntry)
                    {
                        builder.Append(',');
                    }

                    firstEntry = false;
                    Append(builder, entry.Key);
                    builder.Append(':');
                    Append(builder, entry.Value);
                }

                builder.Append('}');
                break;
            case System.Collections.IEnumerable items:
                builder.Append('(');
                int count = 0;
                foreach (var item in items)
                {
                    if (count++ > 0)
                    {
                        builder.Append(',');
                    }

                    Append(builder, item);
                }

                // A one-element tuple is (x,) in Python.
                builder.Append(count == 1 ? ",)" : ")");
                break;
            default:
                AppendString(builder, value.ToString() ?? string.Empty);
                break;
        }
    }

    /// <summary>Python's float repr, close enough for log values: shortest round-trip digits, lower-case exponent with two digits, a ".0" on integral values.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        // Shortest round-trip digits, then Python's choice: fixed notation for decimal
        // exponents -4..15, scientific otherwise.
        string r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        string sign = d < 0 || (d == 0 && double.IsNegative(d)) ? "-" : string.Empty;
        string digits;
        int point;
        int exponentAt = r.IndexOf('E');
        if (exponentAt >= 0)
        {
            string mantissa = r[..exponentAt];
            digits = mantissa.Replace(".", string.Empty, StringComparison.Ordinal);
            point = 1 + int.Parse(r[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        }
        else
        {
            int dot = r.IndexOf('.');
            string whole = dot < 0 ? r : r[..dot];
            string fraction = dot < 0 ? string.Empty : r[(dot + 1)..];
            digits = whole + fraction;
            point = whole.Length;
            int leading = digits.Length - digits.TrimStart('0').Length;
            if (leading == digits.Length)
            {
                return sign + "0.0";
            }

            digits = digits[leading..];
            point -= leading;
        }

        digits = digits.TrimEnd('0');
        int exponent = point - 1;
        if (exponent is >= -4 and < 16)
        {
            if (point <= 0)
            {
                return $"{sign}0.{new string('0', -point)}{digits}";
            }

            if (point >= digits.Length)
            {
                return $"{sign}{digits}{new string('0', point - digits.Length)}.0";
            }

            return $"{sign}{digits[..point]}.{digits[point..]}";
        }

        string scientific = digits.Length > 1 ? $"{digits[0]}.{digits[1..]}" : digits;
        return $"{sign}{scientific}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
    }

    private static void AppendString(StringBuilder builder, string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        builder.Append(quote);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (c < 0x7f)
                    {
                        builder.Append(c);
                    }
                    else
                    {
                        i = AppendNonAscii(builder, s, i);
                    }

                    break;
            }
        }

        builder.Append(quote);
    }

    private static void AppendAscii(StringBuilder builder, string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] < 0x80)
            {
                builder.Append(s[i]);
            }
            else
            {
                i = AppendNonAscii(builder, s, i);
            }
        }
    }

    // Backslash-replace of one code point; returns the index of its last UTF-16 unit.
    private static int AppendNonAscii(StringBuilder builder, string s, int i)
    {
        int codePoint = s[i];
        if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            codePoint = char.ConvertToUtf32(s[i], s[i + 1]);
            i++;
        }

        if (codePoint < 0x100)
        {
            builder.Append("\\x").Append(codePoint.ToString("x2", CultureInfo.InvariantCulture));
        }
        else if (codePoint < 0x10000)
        {
            builder.Append("\\u").Append(codePoint.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            builder.Append("\\U").Append(codePoint.ToString("x8", CultureInfo.InvariantCulture));
        }

        return i;
    }
}
