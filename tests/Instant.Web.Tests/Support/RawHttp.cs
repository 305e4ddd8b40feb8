using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Instant.Web.Tests.Support;

/// <summary>A response read off a raw connection: status line, headers and (when read) body.</summary>
public sealed record RawResponse(int Status, string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name)
        => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// HTTP/1.1 spoken by hand over a socket, for requests HttpClient would normalise (dot
/// segments, backslashes) and for upgrades on a kept-alive connection.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> verbatim on a fresh connection and reads the response.</summary>
    public static async Task<RawResponse> SendAsync(int port, string request, CancellationToken cancellation = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TestSocket.DefaultTimeout);
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        return await ReadResponseAsync(stream, timeout.Token, request.StartsWith("HEAD ", StringComparison.Ordinal));
    }

    /// <summary>A GET of <paramref name="target"/> exactly as written (no normalisation), with Connection: close.</summary>
    public static Task<RawResponse> GetAsync(int port, string target, CancellationToken cancellation = default)
        => SendAsync(port, $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n", cancellation);

    /// <summary>Reads a status line and headers, byte by byte so nothing after the blank line is consumed.</summary>
    public static async Task<RawResponse> ReadHeadAsync(Stream stream, CancellationToken cancellation)
    {
        var head = new List<byte>(512);
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one, cancellation) == 0)
            {
                throw new EndOfStreamException("the connection closed inside a response head: " + Encoding.Latin1.GetString(head.ToArray()));
            }

            head.Add(one[0]);
            if (head.Count > 65536)
            {
                throw new InvalidDataException("response head too long");
            }
        }

        var lines = Encoding.Latin1.GetString(head.ToArray()).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            int colon = line.IndexOf(':');
            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return new RawResponse(int.Parse(statusParts[1]), lines[0], headers, []);
    }

    /// <summary>Reads a whole response: head, then a Content-Length or chunked body (none for HEAD, 1xx, 204, 304).</summary>
    public static async Task<RawResponse> ReadResponseAsync(Stream stream, CancellationToken cancellation, bool isHead = false)
    {
        var head = await ReadHeadAsync(stream, cancellation);
        if (isHead || head.Status is < 200 or 204 or 304)
        {
            return head;
        }

        var body = new MemoryStream();
        if (head.Header("Content-Length") is { } lengthText)
        {
            await CopyExactlyAsync(stream, body, long.Parse(lengthText), cancellation);
        }
        else if (head.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            while (true)
            {
                string sizeLine = await ReadLineAsync(stream, cancellation);
                long size = Convert.ToInt64(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    await ReadLineAsync(stream, cancellation);
                    break;
                }

                await CopyExactlyAsync(stream, body, size, cancellation);
                await ReadLineAsync(stream, cancellation);
            }
        }
        else
        {
            await stream.CopyToAsync(body, cancellation); // until the server closes
        }

        return head with { Body = body.ToArray() };
    }

    private static async Task CopyExactlyAsync(Stream from, Stream to, long count, CancellationToken cancellation)
    {
        var buffer = new byte[8192];
        while (count > 0)
        {
            int n = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellation);
            if (n == 0)
            {
                throw new EndOfStreamException("the connection closed inside a response body");
            }

            to.Write(buffer, 0, n);
            count -= n;
        }
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellation)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 2 || line[^2] != '\r' || line[^1] != '\n')
        {
            if (await stream.ReadAsync(one, cancellation) == 0)
            {
                throw new EndOfStreamException();
            }

            line.Add(one[0]);
        }

        return Encoding.Latin1.GetString(line.ToArray(), 0, line.Count - 2);
    }
}
