using System.Globalization;
using System.Text;

namespace Instant.Web.Http;

/// <summary>
/// One HTTP log line in the combined log format with the original's extra field:
/// <c>ADDR - - [time] "REQUEST" STATUS LEN "REFERER" "UA" "k=v k=v"</c>.
/// </summary>
public static class HttpLogFormat
{
    public static string Line(
        string address, DateTimeOffset time, string requestLine, int status, long? length,
        string? referer, string? userAgent, IReadOnlyList<KeyValuePair<string, string>> extra)
    {
        var sb = new StringBuilder(256);
        sb.Append(address).Append(" - - [")
          .Append(time.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture))
          .Append(time.Offset < TimeSpan.Zero ? '-' : '+')
          .Append(time.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture))
          .Append("] \"").Append(Escape(requestLine, false)).Append("\" ")
          .Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ')
          .Append(length?.ToString(CultureInfo.InvariantCulture) ?? "-").Append(' ');
        AppendQuotedOrDash(sb, referer);
        sb.Append(' ');
        AppendQuotedOrDash(sb, userAgent);
        if (extra.Count > 0)
        {
            sb.Append(" \"");
            for (int i = 0; i < extra.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(Escape(extra[i].Key, true)).Append('=').Append(Escape(extra[i].Value, true));
            }

            sb.Append('"');
        }

        return sb.ToString();
    }

    private static void AppendQuotedOrDash(StringBuilder sb, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            sb.Append('-');
        }
        else
        {
            sb.Append('"').Append(Escape(value, false)).Append('"');
        }
    }

    /// <summary>Backslash, CR, LF and quotes (and spaces in the extra field) become <c>\xHH</c>.</summary>
    private static string Escape(string value, bool escapeSpace)
    {
        var sb = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (c is '\\' or '\r' or '\n' or '"' || (escapeSpace && c == ' ') || c < 0x20)
            {
                sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
