using System.Security.Cryptography;
using Instant.Web.Cli;

namespace Instant.Web.BackendConsole;

/// <summary>
/// The backend console's password file, in the original's format: a Java properties file of
/// <c>user = salt$hash</c>, where hash is PBKDF2-HMAC-SHA1 of the password with 65,536 iterations,
/// salt and hash 32 bytes each, both unpadded base64 with <c>+</c> written as <c>.</c>.
/// </summary>
public static class ConsolePasswords
{
    public const int Iterations = 65536;
    public const int Length = 32;

    /// <summary>A new <c>salt$hash</c> entry for <paramref name="password"/>.</summary>
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(Length);
        return Encode(salt) + "$" + Encode(Key(password, salt));
    }

    /// <summary>PBKDF2-HMAC-SHA1 of the password: what the file stores, and what a client proves it knows.</summary>
    public static byte[] Key(string password, byte[] salt)
        => Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA1, Length);

    /// <summary>Reads the file (every login: changes apply at once); user → (salt, key). Malformed entries are skipped.</summary>
    public static Dictionary<string, (byte[] Salt, byte[] Key)> Read(string path)
    {
        var users = new Dictionary<string, (byte[], byte[])>(StringComparer.Ordinal);
        foreach (var (user, value) in JavaProperties.Parse(File.ReadAllText(path)))
        {
            int dollar = value.IndexOf('$');
            if (dollar > 0 && TryDecode(value[..dollar].Trim(), out var salt) && TryDecode(value[(dollar + 1)..].Trim(), out var key))
            {
                users[user] = (salt, key);
            }
        }

        return users;
    }

    /// <summary>Unpadded base64 with <c>+</c> as <c>.</c>.</summary>
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '.');

    public static bool TryDecode(string text, out byte[] bytes)
    {
        string padded = text.Replace('.', '+');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    /// <summary>The login proof for a challenge: HMAC-SHA256 keyed with the password's PBKDF2 key, over the server's nonce.</summary>
    public static byte[] Proof(byte[] key, byte[] nonce) => HMACSHA256.HashData(key, nonce);
}
