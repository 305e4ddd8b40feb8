namespace Instant.Protocol;

/// <summary>
/// The <c>data.type</c> values clients put in what they broadcast and unicast (PROTOCOL.md
/// section 6): the server relays them untouched, the browser client, Scribe and the load tool
/// speak them. As strings and as UTF-8 bytes (<see cref="Utf8"/>).
/// </summary>
public static class PayloadTypes
{
    public const string Post = "post";
    public const string Nick = "nick";
    public const string Who = "who";
    public const string Privmsg = "privmsg";
    public const string Delete = "delete";
    public const string LogQuery = "log-query";
    public const string LogInfo = "log-info";
    public const string LogRequest = "log-request";
    public const string Log = "log";
    public const string LogInquiry = "log-inquiry";
    public const string LogDone = "log-done";

    /// <summary>The same names as UTF-8 bytes: spans over the assembly's data, no allocation, no transcoding.</summary>
    public static class Utf8
    {
        public static ReadOnlySpan<byte> Post => "post"u8;
        public static ReadOnlySpan<byte> Nick => "nick"u8;
        public static ReadOnlySpan<byte> Who => "who"u8;
        public static ReadOnlySpan<byte> Privmsg => "privmsg"u8;
        public static ReadOnlySpan<byte> Delete => "delete"u8;
        public static ReadOnlySpan<byte> LogQuery => "log-query"u8;
        public static ReadOnlySpan<byte> LogInfo => "log-info"u8;
        public static ReadOnlySpan<byte> LogRequest => "log-request"u8;
        public static ReadOnlySpan<byte> Log => "log"u8;
        public static ReadOnlySpan<byte> LogInquiry => "log-inquiry"u8;
        public static ReadOnlySpan<byte> LogDone => "log-done"u8;
    }
}
