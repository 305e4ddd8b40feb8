namespace Instant.Actors.Protocol;

/// <summary>The envelope <c>type</c> values of PROTOCOL.md sections 3 and 4.</summary>
public static class MessageTypes
{
    public const string Identity = "identity";
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string Who = "who";
    public const string Broadcast = "broadcast";
    public const string Unicast = "unicast";
    public const string Response = "response";
    public const string Error = "error";
}
