using System.Security.Cryptography;

namespace Instant.Actors.Identity;

/// <summary>
/// The cookie signing key: 64 random bytes per process, or the contents of a key file that
/// survives restarts. A created key file is readable by its owner only.
/// </summary>
public static class CookieKeyFile
{
    public const int KeySize = 64;

    public static byte[] RandomKey() => RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>
    /// Loads the key from <paramref name="path"/>. With <paramref name="create"/>, a missing file
    /// or one that is not exactly <see cref="KeySize"/> bytes long is replaced by a fresh key.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is missing or empty and may not be created.</exception>
    public static byte[] Load(string path, bool create)
    {
        var info = new FileInfo(path);
        if (create && (!info.Exists || info.Length != KeySize))
        {
            var key = RandomKey();
            if (info.Directory is { Exists: false } dir)
            {
                dir.Create();
            }

            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            {
                stream.Write(key);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return key;
        }

        if (!info.Exists)
        {
            throw new InvalidOperationException($"cookie key file {path} does not exist (set instant.cookies.keyfile.create=yes to create it)");
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
        {
            throw new InvalidOperationException($"cookie key file {path} is empty");
        }

        return bytes;
    }
}
