namespace Instant.Actors.Protocol;

/// <summary>An <c>error</c> frame's code and message, as the original server words them.</summary>
public sealed record ProtocolError(string Code, string Message)
{
    public static readonly ProtocolError NotText = new("NOT_TEXT", "Non-textual packet received");
    public static readonly ProtocolError InvalidJson = new("INVALID_JSON", "Invalid JSON");
    public static readonly ProtocolError InvalidType = new("INVALID_TYPE", "Invalid message type");
    public static readonly ProtocolError NoParticipant = new("NO_PARTICIPANT", "No such participant");

    // Codes of our own, for limits the original does not have; same shape as the others.
    public static readonly ProtocolError FrameTooLarge = new("FRAME_TOO_LARGE", "Frame too large");
    public static readonly ProtocolError RateLimited = new("RATE_LIMITED", "Too many messages");
    public static readonly ProtocolError InvalidRecipient = new("INVALID_RECIPIENT", "Invalid recipient");
}
