using System.Globalization;
using System.Text;

namespace Scribe.Actors.Client;

/// <summary>One stored cookie. The value is kept verbatim, quotes and backslashes included.</summary>
public sealed record StoredCookie(string Name, string Value, string Domain, string Path, DateTimeOffset? Expires, bool Secure, bool HttpOnly);

/// <summary>
/// The cookies that keep Scribe's identity (the server's <c>uid</c> cookie) across
/// connections. Persisted as an LWP cookie file (<c>#LWP-Cookies-2.0</c>, one
/// <c>Set-Cookie3:</c> line per cookie) like the original, written with mode 600 after every
/// successful connect; a file path of null keeps them in memory only. Secure is not
/// enforced for ws:// (the server marks its cookie Secure by default, and Scribe only ever
/// sends it back to the host that set it).
/// </summary>
public sealed class CookieJar
{
    public const string Header = "#LWP-Cookies-2.0";

    private readonly Dictionary<(string Domain, string Path, string Name), StoredCookie> _cookies = new();
    private readonly TimeProvider _time;

    public CookieJar(string? path, TimeProvider? time = null)
    {
        FilePath = string.IsNullOrEmpty(path) ? null : path;
        _time = time ?? TimeProvider.System;
    }

    public string? FilePath { get; }

    public IReadOnlyCollection<StoredCookie> Cookies => _cookies.Values;

    /// <summary>Loads the file if it exists; creates it (mode 600) if not. Throws <see cref="FormatException"/> for a bad file.</summary>
    public void Load()
    {
        if (FilePath is null)
        {
            return;
        }

        if (!File.Exists(FilePath))
        {
            Save();
            return;
        }

        var lines = File.ReadAllLines(FilePath);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new FormatException($"{FilePath} is not an LWP cookie file (first line must be {Header})");
        }

        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!line.StartsWith("Set-Cookie3: ", StringComparison.Ordinal))
            {
                throw new FormatException($"{FilePath}: bad line '{line}'");
            }

            var cookie = ParseLwp(line["Set-Cookie3: ".Length..]) ?? throw new FormatException($"{FilePath}: bad cookie '{line}'");
            _cookies[(cookie.Domain, cookie.Path, cookie.Name)] = cookie;
        }
    }

    /// <summary>Rewrites the file with every unexpired cookie that has an expiry.</summary>
    public void Save()
    {
        if (FilePath is null)
        {
            return;
        }

        var text = new StringBuilder(Header).Append('\n');
        var now = _time.GetUtcNow();
        foreach (var c in _cookies.Values.Where(c => c.Expires is { } e && e > now))
        {
            // The shape the original writes: the Set-Cookie attributes in order, Expires as
            // expires="YYYY-MM-DD HH:MM:SS Z", then path_spec and the effective Domain.
            text.Append("Set-Cookie3: ").Append(c.Name).Append('=').Append(c.Value)
                .Append("; Path=").Append(c.Path)
                .Append(c.HttpOnly ? "; HttpOnly" : string.Empty)
                .Append("; expires=\"").Append(c.Expires!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(" Z\"")
                .Append(c.Secure ? "; Secure" : string.Empty)
                .Append("; path_spec; Domain=").Append(c.Domain).Append('\n');
        }

        string temp = FilePath + ".tmp";
        ParentDirectory.Create(FilePath);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(text.ToString());
        }

        File.Move(temp, FilePath, overwrite: true);
    }

    /// <summary>Records the Set-Cookie headers of a response from <paramref name="uri"/>.</summary>
    public void Receive(Uri uri, IEnumerable<string> setCookieHeaders)
    {
        foreach (var header in setCookieHeaders)
        {
            if (ParseSetCookie(uri, header) is { } cookie)
            {
                var key = (cookie.Domain, cookie.Path, cookie.Name);
                if (cookie.Expires is { } e && e <= _time.GetUtcNow())
                {
                    _cookies.Remove(key);
                }
                else
                {
                    _cookies[key] = cookie;
                }
            }
        }
    }

    /// <summary>The Cookie request header for <paramref name="uri"/>, or null when none applies.</summary>
    public string? CookieHeader(Uri uri)
    {
        var now = _time.GetUtcNow();
        var matching = _cookies.Values
            .Where(c => (c.Expires is not { } e || e > now)
                && string.Equals(c.Domain.TrimStart('.'), uri.Host, StringComparison.OrdinalIgnoreCase)
                && uri.AbsolutePath.StartsWith(c.Path, StringComparison.Ordinal))
            .Select(c => $"{c.Name}={c.Value}")
            .ToList();
        return matching.Count == 0 ? null : string.Join("; ", matching);
    }

    internal StoredCookie? ParseSetCookie(Uri uri, string header)
    {
        var parts = SplitAttributes(header);
        if (parts.Count == 0 || parts[0].IndexOf('=') is var eq && eq <= 0)
        {
            return null;
        }

        string name = parts[0][..eq].Trim();
        string value = parts[0][(eq + 1)..].Trim();
        string path = "/";
        string domain = uri.Host;
        DateTimeOffset? expires = null;
        bool secure = false;
        bool httpOnly = false;
        foreach (var attribute in parts.Skip(1))
        {
            var (key, val) = SplitAttribute(attribute);
            switch (key)
            {
                case "path":
                    path = val.Length > 0 ? val : "/";
                    break;
                case "expires":
                    if (ParseHttpDate(val) is { } when)
                    {
                        expires ??= when;
                    }

                    break;
                case "max-age":
                    if (long.TryParse(val, out long seconds))
                    {
                        expires = _time.GetUtcNow().AddSeconds(seconds);
                    }

                    break;
                case "secure":
                    secure = true;
                    break;
                case "httponly":
                    httpOnly = true;
                    break;
            }
        }

        return new StoredCookie(name, value, domain, path, expires, secure, httpOnly);
    }

    /// <summary>An attribute <c>Key=value</c> or <c>Key</c>: the key lower-cased, the value unquoted.</summary>
    private static (string Key, string Value) SplitAttribute(string attribute)
    {
        int eq = attribute.IndexOf('=');
        return eq < 0
            ? (attribute.Trim().ToLowerInvariant(), string.Empty)
            : (attribute[..eq].Trim().ToLowerInvariant(), attribute[(eq + 1)..].Trim().Trim('"'));
    }

    private static readonly string[] HttpDateFormats =
    [
        "dd MMM yyyy HH:mm:ss 'GMT'", "dd-MMM-yyyy HH:mm:ss 'GMT'", "dd-MMM-yy HH:mm:ss 'GMT'", "MMM d HH:mm:ss yyyy",
    ];

    // The weekday is dropped before parsing: a wrong one must not lose the cookie.
    private static DateTimeOffset? ParseHttpDate(string text)
    {
        int comma = text.IndexOf(',');
        string date = comma >= 0 ? text[(comma + 1)..].Trim() : text.Length > 4 && char.IsLetter(text[0]) && text[3] == ' ' && char.IsLetter(text[4]) ? text[4..] : text;
        if (DateTime.TryParseExact(date, HttpDateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces, out var exact))
        {
            return new DateTimeOffset(exact, TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var loose) ? loose : null;
    }

    private static StoredCookie? ParseLwp(string text)
    {
        var parts = SplitAttributes(text);
        if (parts.Count == 0 || parts[0].IndexOf('=') is var eq && eq <= 0)
        {
            return null;
        }

        string name = parts[0][..eq];
        string value = parts[0][(eq + 1)..];
        string path = "/";
        string? domain = null;
        DateTimeOffset? expires = null;
        bool secure = false;
        bool httpOnly = false;
        foreach (var attribute in parts.Skip(1))
        {
            var (key, val) = SplitAttribute(attribute);
            switch (key)
            {
                case "path":
                    path = val;
                    break;
                case "domain":
                    domain = val;
                    break;
                case "expires":
                    string stamp = val.TrimEnd('Z').Trim();
                    if (!DateTime.TryParseExact(stamp, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
                            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
                    {
                        return null;
                    }

                    expires = new DateTimeOffset(when, TimeSpan.Zero);
                    break;
                case "secure":
                    secure = true;
                    break;
                case "httponly":
                    httpOnly = true;
                    break;
            }
        }

        return domain is null ? null : new StoredCookie(name, value, domain, path, expires, secure, httpOnly);
    }

    // Splits at ';' outside double quotes (cookie values are quoted with backslash escapes).
    private static List<string> SplitAttributes(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted && c == '\\' && i + 1 < text.Length)
            {
                current.Append(c).Append(text[++i]);
                continue;
            }

            if (c == '"')
            {
                quoted = !quoted;
            }

            if (c == ';' && !quoted)
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            parts.Add(current.ToString().Trim());
        }

        return parts;
    }
}
