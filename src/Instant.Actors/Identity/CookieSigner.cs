using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

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

        // Signed, yet unusable: invalid UTF-8, a member given twice (which uuid would count?),
        // or a string no .NET string can hold (a lone surrogate escape) is no cookie at all.
        if (!Utf8.IsValid(json))
        {
            return null;
        }

        try
        {
            var payload = JsonNode.Parse(json, documentOptions: StrictJson) as JsonObject;
            return payload is not null && HoldsOnlyValidStrings(payload) ? payload : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    /// <summary>Reads every string (and member name) now, so none throws later while the cookie is used.</summary>
    private static bool HoldsOnlyValidStrings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    if (!HoldsOnlyValidStrings(value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray array:
                return array.All(HoldsOnlyValidStrings);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return value.GetValue<string>() is not null;
            default:
                return true;
        }
    }
}
