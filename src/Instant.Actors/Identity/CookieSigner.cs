using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Instant.Actors.Identity;

/// <summary>
/// Signs and checks the <c>uid</c> identity cookie's value:
/// base64(JSON object) "|" base64(HMAC-SHA1(key, JSON)), both standard base64 with padding.
/// </summary>
public sealed class CookieSigner
{
    private readonly byte[] _key;

    public CookieSigner(byte[] key) => _key = key;

    public string Sign(JsonObject payload)
    {
        byte[] json = Encoding.UTF8.GetBytes(payload.ToJsonString());
        return Convert.ToBase64String(json) + "|" + Convert.ToBase64String(HMACSHA1.HashData(_key, json));
    }

    /// <summary>The payload of a correctly signed value holding a JSON object; null for anything else.</summary>
    public JsonObject? Verify(string value)
    {
        var parts = value.Split('|');
        if (parts.Length != 2)
        {
            return null;
        }

        byte[] json, mac;
        try
        {
            json = Convert.FromBase64String(parts[0]);
            mac = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA1.HashData(_key, json)))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
