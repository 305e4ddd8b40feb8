using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Instant.Actors.Identity;

/// <summary>
/// The <c>uid</c> cookie: reads the identity a client presents and writes the Set-Cookie header
/// that keeps it. A missing, malformed or forged cookie yields a fresh identity, never an error.
/// </summary>
public sealed class IdentityCookie
{
    public const string Name = "uid";
    private const string Separators = "()<>@,;:\\\"/[]?={} \t";

    private readonly CookieSigner _signer;
    private readonly bool _insecure;
    private readonly string _sameSite;

    /// <param name="sameSite"><c>Strict</c>, <c>Lax</c> or <c>None</c> for a SameSite attribute; empty for none (the original's cookie).</param>
    public IdentityCookie(CookieSigner signer, bool insecure, string sameSite = "")
    {
        _signer = signer;
        _insecure = insecure;
        _sameSite = sameSite;
    }

    /// <summary>
    /// The SameSite attribute value of a setting (case-insensitive <c>strict</c>, <c>lax</c>,
    /// <c>none</c>), empty for no setting, null for anything else.
    /// </summary>
    public static string? ParseSameSite(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" => string.Empty,
        "strict" => "Strict",
        "lax" => "Lax",
        "none" => "None",
        _ => null,
    };

    /// <summary>
    /// The identity payload of a valid <c>uid</c> cookie in a Cookie header, with a valid
    /// <c>uuid</c>; null when there is none.
    /// </summary>
    public JsonObject? Read(string? cookieHeader)
    {
        var value = FindCookie(cookieHeader, Name);
        if (value is null)
        {
            return null;
        }

        return _signer.Verify(value);
    }

    /// <summary>The uuid of a payload from <see cref="Read"/>, when present and valid.</summary>
    public static string? UuidOf(JsonObject? payload)
        => payload?["uuid"] is JsonValue v && v.TryGetValue<string>(out var uuid) && UuidFactory.IsValid(uuid) ? uuid : null;

    /// <summary>A Set-Cookie header value for <paramref name="payload"/>, expiring two years from <paramref name="now"/>.</summary>
    public string SetCookieHeader(JsonObject payload, DateTimeOffset now)
    {
        var sb = new StringBuilder(Name).Append('=').Append(Quote(_signer.Sign(payload)));
        sb.Append("; Path=/; HttpOnly; Expires=")
          .Append(now.AddYears(2).UtcDateTime.ToString("R", CultureInfo.InvariantCulture));
        if (!_insecure)
        {
            sb.Append("; Secure");
        }

        if (_sameSite.Length > 0)
        {
            sb.Append("; SameSite=").Append(_sameSite);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Quotes a cookie value the way the original server does (every separator escaped), so
    /// clients that stored the original's cookies see the same shape from us.
    /// </summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 8).Append('"');
        foreach (char c in value)
        {
            if (c < 0x20 || c == 0x7F || Separators.Contains(c))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>
    /// The value of cookie <paramref name="name"/> in a Cookie header, unquoted. Unlike the
    /// original, one malformed cookie does not make the others unreadable.
    /// </summary>
    public static string? FindCookie(string? header, string name)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        int i = 0;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] == ' ' || header[i] == ';' || header[i] == '\t'))
            {
                i++;
            }

            int eq = header.IndexOf('=', i);
            if (eq < 0)
            {
                return null;
            }

            string cookieName = header[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < header.Length && header[i] != '"')
                {
                    if (header[i] == '\\' && i + 1 < header.Length)
                    {
                        i++;
                    }

                    sb.Append(header[i++]);
                }

                i++;
                value = sb.ToString();
                int semi = header.IndexOf(';', Math.Min(i, header.Length));
                i = semi < 0 ? header.Length : semi;
            }
            else
            {
                int semi = header.IndexOf(';', i);
                int end = semi < 0 ? header.Length : semi;
                value = header[i..end].Trim();
                i = end;
            }

            if (cookieName == name)
            {
                return value;
            }
        }

        return null;
    }
}
