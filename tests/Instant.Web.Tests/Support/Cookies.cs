namespace Instant.Web.Tests.Support;

/// <summary>The uid cookie as a Set-Cookie header carries it.</summary>
public sealed record SetCookie(string Name, string Value, IReadOnlyDictionary<string, string?> Attributes)
{
    public bool Has(string attribute) => Attributes.ContainsKey(attribute);

    public string? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}

public static class Cookies
{
    /// <summary>Splits a Set-Cookie header into name, value (as sent, quotes included) and attributes.</summary>
    public static SetCookie Parse(string header)
    {
        var parts = header.Split(';');
        int eq = parts[0].IndexOf('=');
        var attributes = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts.Skip(1))
        {
            int e = part.IndexOf('=');
            if (e < 0)
            {
                attributes[part.Trim()] = null;
            }
            else
            {
                attributes[part[..e].Trim()] = part[(e + 1)..].Trim();
            }
        }

        return new SetCookie(parts[0][..eq].Trim(), parts[0][(eq + 1)..].Trim(), attributes);
    }

    /// <summary>A Cookie request header that returns the cookie of <paramref name="setCookieHeader"/> unchanged.</summary>
    public static string ToCookieHeader(string setCookieHeader)
    {
        var cookie = Parse(setCookieHeader);
        return cookie.Name + "=" + cookie.Value;
    }
}
