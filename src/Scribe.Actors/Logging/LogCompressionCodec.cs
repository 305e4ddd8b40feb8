using System.IO.Compression;
using System.Runtime.InteropServices;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;

namespace Scribe.Actors.Logging;

/// <summary>
/// Compresses rotated logfiles and opens them for reading. gzip is .NET's own; bzip2 and xz
/// reading come from SharpCompress; xz writing (SharpCompress cannot) calls the system's
/// liblzma (xz-utils), the library Python's lzma module itself uses.
/// </summary>
public static class LogCompressionCodec
{
    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void Compress(string source, string destination, LogCompression compression)
    {
        if (compression == LogCompression.Lzma)
        {
            File.WriteAllBytes(destination, XzEncode(File.ReadAllBytes(source)));
            return;
        }

        using var input = File.OpenRead(source);
        using var output = File.Create(destination);
        using (var compressor = OpenWrite(output, compression))
        {
            input.CopyTo(compressor);
        }
    }

    /// <summary>Opens a (possibly compressed) logfile for reading as plain text bytes.</summary>
    public static Stream OpenRead(string path, LogCompression compression)
    {
        var file = File.OpenRead(path);
        return compression switch
        {
            LogCompression.None => file,
            LogCompression.Gzip => new GZipStream(file, CompressionMode.Decompress),
            LogCompression.Bzip2 => BZip2Stream.Create(file, SharpCompress.Compressors.CompressionMode.Decompress, true, false, false),
            LogCompression.Lzma => new XZStream(file),
            _ => throw new ArgumentOutOfRangeException(nameof(compression)),
        };
    }

    /// <summary>The compression a file name's suffix says, for reading files named on the command line.</summary>
    public static LogCompression FromSuffix(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".gz" => LogCompression.Gzip,
        ".bz2" => LogCompression.Bzip2,
        ".lzma" or ".xz" => LogCompression.Lzma,
        _ => LogCompression.None,
    };

    private static Stream OpenWrite(Stream output, LogCompression compression) => compression switch
    {
        LogCompression.Gzip => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
        LogCompression.Bzip2 => BZip2Stream.Create(output, SharpCompress.Compressors.CompressionMode.Compress, false, true, false),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>xz container, preset 6, CRC64 check: what Python's <c>lzma.open(..., "w")</c> writes.</summary>
    public static unsafe byte[] XzEncode(byte[] data)
    {
        nuint bound = Liblzma.lzma_stream_buffer_bound((nuint)data.Length);
        var output = new byte[(int)bound];
        nuint written = 0;
        int result;
        fixed (byte* input = data)
        fixed (byte* outputPointer = output)
        {
            result = Liblzma.lzma_easy_buffer_encode(6, Liblzma.CheckCrc64, IntPtr.Zero, input, (nuint)data.Length, outputPointer, &written, bound);
        }

        if (result != 0)
        {
            throw new IOException($"liblzma failed to compress (lzma_ret {result})");
        }

        return output.AsSpan(0, (int)written).ToArray();
    }

    private static unsafe class Liblzma
    {
        public const int CheckCrc64 = 4;

        [DllImport("liblzma.so.5", CallingConvention = CallingConvention.Cdecl)]
        public static extern nuint lzma_stream_buffer_bound(nuint uncompressedSize);

        [DllImport("liblzma.so.5", CallingConvention = CallingConvention.Cdecl)]
        public static extern int lzma_easy_buffer_encode(
            uint preset, int check, IntPtr allocator, byte* input, nuint inputSize, byte* output, nuint* outputPosition, nuint outputSize);
    }
}
