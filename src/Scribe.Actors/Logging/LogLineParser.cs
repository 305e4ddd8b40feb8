using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Scribe.Actors.Logging;

/// <summary>
/// Reads lines of the machine-readable logfile back (the original's grammar, see
/// docs/SCRIBE.md): <c>[TS] TAG key=VALUE ...</c> where VALUE is a bare word, a quoted Python
/// string, a tuple or a dict. A line that does not parse to its end is dropped. Two of the
/// original's bugs are fixed: a <c>Z</c> after the timestamp is accepted, and a bare word
/// inside a tuple is a string instead of aborting the whole read.
/// </summary>
public static partial class LogLineParser
{
    [GeneratedRegex(@"^\[([0-9 Z:-]+)\]\s+([A-Z0-9_-]+)(?:\s+(.*))?$")]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")]
    private static partial Regex FloatPattern();

    /// <summary>The record, or null for a line that is not one (or does not parse to its end).</summary>
    public static LogLine? Parse(string line)
    {
        var match = LinePattern().Match(line.TrimEnd('\r', '\n'));
        if (!match.Success)
        {
            return null;
        }

        string stamp = match.Groups[1].Value.Trim().TrimEnd('Z').TrimEnd();
        if (!DateTime.TryParseExact(stamp, LogLine.TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            return null;
        }

        var values = new List<KeyValuePair<string, object?>>();
        string args = match.Groups[3].Success ? match.Groups[3].Value : string.Empty;
        var cursor = new Cursor(args);
        while (true)
        {
            cursor.SkipWhitespace();
            if (cursor.AtEnd)
            {
                break;
            }

            if (!cursor.TryReadKey(out var key) || !cursor.TryRead('=') || !cursor.TryReadValue(out var value)
                || !(cursor.AtEnd || char.IsWhiteSpace(cursor.Peek)))
            {
                return null;
            }

            values.Add(new(key, value));
        }

        return new LogLine(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)), match.Groups[2].Value, values);
    }

    /// <summary>Converts a bare word: constants, ints, floats, else the word itself.</summary>
    internal static object? ConvertBareWord(string word)
    {
        switch (word)
        {
            case "None":
                return null;
            case "True":
                return true;
            case "False":
                return false;
            case "Ellipsis":
                return PyEllipsis.Instance;
        }

        if (IntPattern().IsMatch(word) && long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        if (FloatPattern().IsMatch(word) && double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        return word;
    }

    private ref struct Cursor(string text)
    {
        private readonly string _text = text;
        private int _at;

        public readonly bool AtEnd => _at >= _text.Length;

        public readonly char Peek => _text[_at];

        public void SkipWhitespace()
        {
            while (!AtEnd && char.IsWhiteSpace(Peek))
            {
                _at++;
            }
        }

        public bool TryRead(char c)
        {
            if (!AtEnd && Peek == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        public bool TryReadKey(out string key)
        {
            int start = _at;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek) || Peek is '_' or '-'))
            {
                _at++;
            }

            key = _text[start.._at];
            return key.Length > 0;
        }

        public bool TryReadValue(out object? value)
        {
            value = null;
            if (AtEnd)
            {
                return false;
            }

            if (Peek == '(')
            {
                return TryReadTuple(out value);
            }

            if (Peek == '{')
            {
                return TryReadDict(out value);
            }

            return TryReadScalar(out value);
        }

        private bool TryReadScalar(out object? value)
        {
            value = null;
            if (AtEnd)
            {
                return false;
            }

            int start = _at;
            if ((Peek is 'u' or 'U') && _at + 1 < _text.Length && _text[_at + 1] is '"' or '\'')
            {
                _at++;
            }

            if (Peek is '"' or '\'')
            {
                char quote = Peek;
                _at++;
                var raw = new StringBuilder();
                while (!AtEnd && Peek != quote)
                {
                    if (Peek == '\\')
                    {
                        raw.Append(Peek);
                        _at++;
                        if (AtEnd)
                        {
                            return false;
                        }
                    }

                    raw.Append(Peek);
                    _at++;
                }

                if (!TryRead(quote))
                {
                    return false;
                }

                value = PyUnescape(raw.ToString());
                return value is not null;
            }

            _at = start;
            while (!AtEnd && !char.IsWhiteSpace(Peek) && Peek is not ('"' or '\'' or '(' or ')' or '[' or ']' or '{' or '}' or ',' or ':'))
            {
                _at++;
            }

            if (_at == start)
            {
                return false;
            }

            value = ConvertBareWord(_text[start.._at]);
            return true;
        }

        private bool TryReadTuple(out object? value)
        {
            value = null;
            _at++;
            var items = new List<object?>();
            SkipWhitespace();
            while (!TryRead(')'))
            {
                if (!TryReadValue(out var item))
                {
                    return false;
                }

                items.Add(item);
                SkipWhitespace();
                if (TryRead(','))
                {
                    SkipWhitespace();
                }
                else if (AtEnd || Peek != ')')
                {
                    return false;
                }
            }

            value = items;
            return true;
        }

        private bool TryReadDict(out object? value)
        {
            value = null;
            _at++;
            var items = new Dictionary<object, object?>();
            SkipWhitespace();
            while (!TryRead('}'))
            {
                if (!TryReadValue(out var key) || key is null)
                {
                    return false;
                }

                SkipWhitespace();
                if (!TryRead(':'))
                {
                    return false;
                }

                SkipWhitespace();
                if (!TryReadValue(out var item))
                {
                    return false;
                }

                items[key is List<object?> list ? string.Join(",", list) : key] = item;
                SkipWhitespace();
                if (TryRead(','))
                {
                    SkipWhitespace();
                }
                else if (AtEnd || Peek != '}')
                {
                    return false;
                }
            }

            value = items;
            return true;
        }
    }

    /// <summary>Python string-literal escapes; null when an escape is malformed.</summary>
    internal static string? PyUnescape(string raw)
    {
        if (!raw.Contains('\\'))
        {
            return raw;
        }

        var builder = new StringBuilder(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c != '\\' || i + 1 >= raw.Length)
            {
                builder.Append(c);
                continue;
            }

            char e = raw[++i];
            switch (e)
            {
                case '\n':
                    break;
                case '\\' or '\'' or '"':
                    builder.Append(e);
                    break;
                case 'n':
                    builder.Append('\n');
                    break;
                case 'r':
                    builder.Append('\r');
                    break;
                case 't':
                    builder.Append('\t');
                    break;
                case 'a':
                    builder.Append('\a');
                    break;
                case 'b':
                    builder.Append('\b');
                    break;
                case 'f':
                    builder.Append('\f');
                    break;
                case 'v':
                    builder.Append('\v');
                    break;
                case 'x' or 'u' or 'U':
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (raw.Length - i - 1 < digits
                        || !int.TryParse(raw.AsSpan(i + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code)
                        || code > 0x10FFFF)
                    {
                        return null;
                    }

                    builder.Append(code < 0x10000 ? ((char)code).ToString() : char.ConvertFromUtf32(code));
                    i += digits;
                    break;
                case >= '0' and <= '7':
                    int value = 0;
                    int n = 0;
                    while (n < 3 && i < raw.Length && raw[i] is >= '0' and <= '7')
                    {
                        value = value * 8 + (raw[i] - '0');
                        i++;
                        n++;
                    }

                    i--;
                    builder.Append((char)value);
                    break;
                default:
                    // Python keeps unknown escapes as they are.
                    builder.Append('\\').Append(e);
                    break;
            }
        }

        return builder.ToString();
    }
}
