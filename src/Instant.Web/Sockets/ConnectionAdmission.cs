using System.Text.Json.Nodes;
using Instant.Actors.Connections;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Instant.Protocol;

namespace Instant.Web.Sockets;

/// <summary>A participant being admitted: its connection id, identity UUID and the cookie that keeps it.</summary>
public sealed record Admission(long Id, string Uuid, string SetCookie);

/// <summary>
/// What both WebSocket paths share: who a new participant is (from its <c>uid</c> cookie, or
/// fresh), and how a complete client message becomes a message for its connection actor.
/// </summary>
public sealed class ConnectionAdmission(InstantConnections connections, IdentityCookie cookies, TimeProvider time)
{
    public InstantConnections Connections => connections;

    public Admission Admit(string? cookieHeader)
    {
        var payload = cookies.Read(cookieHeader) ?? new JsonObject();
        var (id, freshUuid) = connections.NewParticipant();
        string uuid = IdentityCookie.UuidOf(payload) ?? freshUuid;
        payload["uuid"] = uuid;
        return new Admission(id, uuid, cookies.SetCookieHeader(payload, time.GetUtcNow()));
    }

    /// <summary>
    /// The actor message for one complete text message: a parsed frame, or INVALID_JSON.
    /// The caller has checked the UTF-8 (invalid UTF-8 closes the connection instead).
    /// </summary>
    public static object Decode(byte[] message)
        => ClientFrameParser.TryParse(message) is { } frame ? frame : new FrameRejected(ProtocolError.InvalidJson);

    /// <summary>The HTTP log's extra field for an upgrade: real-ip (if forwarded), uuid, id.</summary>
    public static List<KeyValuePair<string, string>> LogExtra(string? forwardedFor, Admission admission)
    {
        var extra = new List<KeyValuePair<string, string>>(3);
        if (!string.IsNullOrEmpty(forwardedFor))
        {
            extra.Add(new("real-ip", forwardedFor.Replace(" ", string.Empty, StringComparison.Ordinal)));
        }

        extra.Add(new("uuid", admission.Uuid));
        extra.Add(new("id", IdFormat.ToHex(admission.Id)));
        return extra;
    }
}
