using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Instant.Web.Sockets;

/// <summary>
/// The head of an HTTP/1.1 request that may be a WebSocket upgrade, read straight off a
/// connection: request line and the few headers the handshake and the logs need.
/// </summary>
public sealed record UpgradeRequest(
    string Method, string Target, string Version, string Path, string Query, Dictionary<string, string> Headers)
{
    /// <summary>The longest request head the lean path reads; longer ones go to the HTTP pipeline.</summary>
    public const int MaxHeadLength = 8192;

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    /// <summary>
    /// True for a well-formed RFC 6455 opening handshake: GET, HTTP/1.1, Upgrade: websocket,
    /// Connection: upgrade, version 13 and a 16-byte key.
    /// </summary>
    public bool IsWebSocketUpgrade
        => Method == "GET" && Version == "HTTP/1.1"
            && IsHandshake(Header("Upgrade"), Header("Connection"), Header("Sec-WebSocket-Version"), Header("Sec-WebSocket-Key"));

    /// <summary>The RFC 6455 header checks, shared with the HTTP-pipeline path.</summary>
    public static bool IsHandshake(string? upgrade, string? connection, string? version, string? key)
        => HasToken(upgrade, "websocket") && HasToken(connection, "upgrade") && version?.Trim() == "13" && IsValidKey(key);

    /// <summary>The Sec-WebSocket-Accept value for a request's Sec-WebSocket-Key.</summary>
    public static string AcceptKey(string key)
        => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>Where the head ends in <paramref name="buffer"/> (just past the blank line), if it is all there.</summary>
    public static SequencePosition? FindEnd(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, HeadEnd, advancePastDelimiter: true) ? reader.Position : null;
    }

    /// <summary>Parses a complete head (ending with the blank line); null when it is not HTTP.</summary>
    public static UpgradeRequest? Parse(ReadOnlySequence<byte> head)
    {
        if (head.Length > MaxHeadLength)
        {
            return null;
        }

        // Anything this parser is not sure of goes to Kestrel's, which answers 400 where the
        // HTTP grammar says so: the lean path must accept no less strictly than Kestrel.
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !IsToken(requestLine[0]) || !requestLine[1].StartsWith('/') || !requestLine[1].All(IsVisibleAscii))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int hosts = 0;
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            int colon = line.IndexOf(':');
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                return null; // obsolete line folding, a space before the colon, garbage
            }

            string name = line[..colon];
            string value = line[(colon + 1)..].Trim(' ', '\t');
            if (!value.All(c => c == '\t' || (c >= ' ' && c != '\x7F')))
            {
                return null;
            }

            hosts += name.Equals("Host", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ") + value : value;
        }

        if (hosts != 1)
        {
            return null; // HTTP/1.1 requires exactly one Host
        }

        string target = requestLine[1];
        int q = target.IndexOf('?');
        return new UpgradeRequest(
            requestLine[0], target, requestLine[2], q < 0 ? target : target[..q], q < 0 ? string.Empty : target[q..], headers);
    }

    private static bool IsVisibleAscii(char c) => c is > ' ' and < '\x7F';

    /// <summary>An RFC 9110 token: visible ASCII without delimiters.</summary>
    private static bool IsToken(string text)
        => text.Length > 0 && text.All(c => IsVisibleAscii(c) && !"\"(),/:;<=>?@[\\]{}".Contains(c));

    private static bool HasToken(string? value, string token)
        => value is not null && value.Split(',').Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    private static bool IsValidKey(string? key)
    {
        Span<byte> decoded = stackalloc byte[24];
        return key is not null && Convert.TryFromBase64String(key.Trim(), decoded, out int length) && length == 16;
    }
}
