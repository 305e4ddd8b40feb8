using System.Security.Cryptography;
using System.Text;

namespace Instant.Actors.Identity;

/// <summary>
/// The configuration hash clients compare to notice a changed server: SHA-256 over a tagged
/// record of the version, revision and plugins, as unpadded base64 (the original's scheme).
/// </summary>
public static class ConfigHash
{
    public static string Compute(string version, string? revision, IReadOnlyList<(string Name, byte[] Sha256)> plugins)
    {
        using var stream = new MemoryStream();
        stream.WriteByte(0x01);
        WriteInt64(stream, 0x5348412d323536); // "SHA-256"
        WriteString(stream, version);
        if (revision is null)
        {
            stream.WriteByte(0x02);
        }
        else
        {
            WriteString(stream, revision);
        }

        stream.WriteByte(0x04);
        WriteInt32(stream, plugins.Count);
        foreach (var (name, hash) in plugins)
        {
            WriteString(stream, name);
            stream.WriteByte(0x09);
            stream.Write(hash);
        }

        stream.WriteByte(0x00);
        return Convert.ToBase64String(SHA256.HashData(stream.ToArray())).TrimEnd('=');
    }

    private static void WriteString(Stream stream, string text)
    {
        stream.WriteByte(0x07);
        WriteInt32(stream, text.Length); // the UTF-16 length, as the original writes it
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private static void WriteInt32(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteInt64(Stream stream, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        stream.Write(bytes);
    }
}
