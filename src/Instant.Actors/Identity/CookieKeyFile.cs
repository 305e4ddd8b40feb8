using System.Security.Cryptography;
using Instant.Actors.Files;

namespace Instant.Actors.Identity;

/// <summary>
/// The cookie signing key: 64 random bytes per process, or the contents of a key file that
/// survives restarts. Only a regular file of exactly <see cref="KeySize"/> bytes is a key; a key
/// file is created (only where there is none, or an empty one) readable by its owner only
/// from its first byte.
/// </summary>
public static class CookieKeyFile
{
    public const int KeySize = 64;

    public static byte[] RandomKey() => RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>
    /// Loads the key from <paramref name="path"/>. With <paramref name="create"/>, a missing or
    /// empty file is given a fresh key, and <paramref name="notice"/> is told. A file of any
    /// other length is refused, never overwritten: it may be a key that something else needs.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is missing (without create), not a regular file, or not 64 bytes long.</exception>
    public static byte[] Load(string path, bool create, Action<string>? notice = null)
    {
        switch (FileType.Of(path, followLinks: true))
        {
            case FileKind.Missing when create:
                return Create(path, notice);
            case FileKind.Missing:
                throw new InvalidOperationException($"cookie key file {path} does not exist (set instant.cookies.keyfile.create=yes to create it)");
            case FileKind.Directory:
                throw new InvalidOperationException($"cookie key file {path} is a directory");
            case FileKind.Regular:
                break;
            default:
                // A FIFO would block the start-up, /dev/zero would be read until memory runs out.
                throw new InvalidOperationException($"cookie key file {path} is not a regular file");
        }

        long length = new FileInfo(path).Length;
        if (length == 0 && create)
        {
            return Create(path, notice);
        }

        if (length == 0)
        {
            throw new InvalidOperationException($"cookie key file {path} is empty (set instant.cookies.keyfile.create=yes to fill it)");
        }

        if (length != KeySize)
        {
            throw new InvalidOperationException($"cookie key file {path} is {length} bytes long; a key is exactly {KeySize} bytes (it is not replaced: move it away to have a new one created)");
        }

        return ReadKey(path);
    }

    private static byte[] ReadKey(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var key = new byte[KeySize + 1]; // one more: a file that grew since it was measured is noticed
        int read = stream.ReadAtLeast(key, key.Length, throwOnEndOfStream: false);
        if (read != KeySize)
        {
            throw new InvalidOperationException($"cookie key file {path} changed while it was read");
        }

        return key[..KeySize];
    }

    /// <summary>
    /// Writes a fresh key to a new file that is private from the start, then moves it into
    /// place, so no reader ever sees a half-written key or a moment of wider permissions.
    /// </summary>
    private static byte[] Create(string path, Action<string>? notice)
    {
        var key = RandomKey();
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)) + ".new";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        notice?.Invoke($"Created cookie key file {path} ({KeySize} random bytes, readable by its owner only)");
        return key;
    }
}
