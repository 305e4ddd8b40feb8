namespace Instant.Protocol;

/// <summary>
/// The envelope <c>type</c> values of PROTOCOL.md sections 3 and 4, as strings and, for code that
/// compares or writes UTF-8 JSON directly, as UTF-8 bytes (<see cref="Utf8"/>).
/// </summary>
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

    /// <summary>The same names as UTF-8 bytes: spans over the assembly's data, no allocation, no transcoding.</summary>
    public static class Utf8
    {
        public static ReadOnlySpan<byte> Identity => "identity"u8;
        public static ReadOnlySpan<byte> Joined => "joined"u8;
        public static ReadOnlySpan<byte> Left => "left"u8;
        public static ReadOnlySpan<byte> Ping => "ping"u8;
        public static ReadOnlySpan<byte> Pong => "pong"u8;
        public static ReadOnlySpan<byte> Who => "who"u8;
        public static ReadOnlySpan<byte> Broadcast => "broadcast"u8;
        public static ReadOnlySpan<byte> Unicast => "unicast"u8;
        public static ReadOnlySpan<byte> Response => "response"u8;
        public static ReadOnlySpan<byte> Error => "error"u8;
    }
}
