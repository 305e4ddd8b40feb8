using System.Buffers;

namespace Instant.Web.Http;

/// <summary>
/// A file ready to serve: its length, a strong ETag and its Content-Type (null when unknown),
/// with the bytes either in memory (built-in and generated files, shared by every request) or
/// behind a handle on the webroot's copy, which is streamed and closed with the response.
/// </summary>
public sealed class StaticFile : IAsyncDisposable
{
    private const int CopyBufferSize = 64 * 1024;
    private readonly byte[]? _content;
    private readonly FileStream? _stream;

    private StaticFile(byte[]? content, FileStream? stream, long length, string etag, string? contentType)
    {
        _content = content;
        _stream = stream;
        Length = length;
        ETag = etag;
        ContentType = contentType;
    }

    public long Length { get; }

    public string ETag { get; }

    public string? ContentType { get; }

    public static StaticFile InMemory(byte[] content, string etag, string? contentType)
        => new(content, null, content.Length, etag, contentType);

    /// <summary>A file on disk, served from <paramref name="stream"/>, which this object then owns.</summary>
    public static StaticFile OnDisk(FileStream stream, string etag, string? contentType)
        => new(null, stream, stream.Length, etag, contentType);

    /// <summary>Writes <paramref name="count"/> bytes from <paramref name="offset"/>; a file that shrank meanwhile is an <see cref="IOException"/>.</summary>
    public async Task CopyToAsync(Stream destination, long offset, long count, CancellationToken cancellationToken)
    {
        if (_content is not null)
        {
            await destination.WriteAsync(_content.AsMemory((int)offset, (int)count), cancellationToken);
            return;
        }

        var stream = _stream!;
        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (count > 0)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("the file shrank while it was being sent");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync() => _stream?.DisposeAsync() ?? ValueTask.CompletedTask;
}
