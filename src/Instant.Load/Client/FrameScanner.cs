using System.Text.Json;
using Instant.Protocol;

namespace Instant.Load.Client;

internal enum FrameType : byte
{
    Other, Identity, Joined, Left, Pong, Who, Response, Broadcast, Unicast, Error,
}

internal enum PayloadType : byte
{
    None, Other, Post, Nick, Who, LogQuery, LogInfo, LogRequest, Log,
}

/// <summary>
/// The few fields of a server frame the load tool needs, found without allocating:
/// envelope <c>type</c>, the position of <c>id</c>/<c>from</c> in the frame, <c>data.type</c>, and the
/// <c>data.load</c> marker (sender, sequence number, send time) the tool embeds in its posts.
/// </summary>
internal struct ScannedFrame
{
    public FrameType Type;
    public PayloadType Payload;
    public int IdStart, IdLength;
    public int FromStart, FromLength;
    public bool HasMarker;
    public long MarkSender, MarkSeq, MarkTicks;
}

internal static class FrameScanner
{
    /// <summary>Scans one complete JSON frame; returns false if it is not a JSON object.</summary>
    public static bool Scan(ReadOnlySpan<byte> json, out ScannedFrame frame)
    {
        frame = default;
        var r = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("type"u8))
                {
                    r.Read();
                    frame.Type = r.TokenType == JsonTokenType.String ? EnvelopeType(ref r) : FrameType.Other;
                }
                else if (r.ValueTextEquals("id"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped) { frame.IdStart = (int)r.TokenStartIndex + 1; frame.IdLength = r.ValueSpan.Length; }
                }
                else if (r.ValueTextEquals("from"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped) { frame.FromStart = (int)r.TokenStartIndex + 1; frame.FromLength = r.ValueSpan.Length; }
                }
                else if (r.ValueTextEquals("data"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.StartObject) ScanData(ref r, ref frame);
                    else r.Skip();
                }
                else
                {
                    r.Read();
                    r.Skip();
                }
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ScanData(ref Utf8JsonReader r, ref ScannedFrame frame)
    {
        frame.Payload = PayloadType.Other;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("type"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.String) frame.Payload = DataType(ref r);
                else r.Skip();
            }
            else if (r.ValueTextEquals("load"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                int found = 0;
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    if (r.ValueTextEquals("s"u8)) { r.Read(); if (r.TryGetInt64(out frame.MarkSender)) found++; }
                    else if (r.ValueTextEquals("n"u8)) { r.Read(); if (r.TryGetInt64(out frame.MarkSeq)) found++; }
                    else if (r.ValueTextEquals("t"u8)) { r.Read(); if (r.TryGetInt64(out frame.MarkTicks)) found++; }
                    else { r.Read(); r.Skip(); }
                }
                frame.HasMarker = found == 3;
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }
    }

    private static FrameType EnvelopeType(ref Utf8JsonReader r)
    {
        if (r.ValueTextEquals(MessageTypes.Utf8.Broadcast)) return FrameType.Broadcast;
        if (r.ValueTextEquals(MessageTypes.Utf8.Unicast)) return FrameType.Unicast;
        if (r.ValueTextEquals(MessageTypes.Utf8.Response)) return FrameType.Response;
        if (r.ValueTextEquals(MessageTypes.Utf8.Pong)) return FrameType.Pong;
        if (r.ValueTextEquals(MessageTypes.Utf8.Joined)) return FrameType.Joined;
        if (r.ValueTextEquals(MessageTypes.Utf8.Left)) return FrameType.Left;
        if (r.ValueTextEquals(MessageTypes.Utf8.Identity)) return FrameType.Identity;
        if (r.ValueTextEquals(MessageTypes.Utf8.Who)) return FrameType.Who;
        if (r.ValueTextEquals(MessageTypes.Utf8.Error)) return FrameType.Error;
        return FrameType.Other;
    }

    private static PayloadType DataType(ref Utf8JsonReader r)
    {
        if (r.ValueTextEquals(PayloadTypes.Utf8.Post)) return PayloadType.Post;
        if (r.ValueTextEquals(PayloadTypes.Utf8.Nick)) return PayloadType.Nick;
        if (r.ValueTextEquals(PayloadTypes.Utf8.Who)) return PayloadType.Who;
        if (r.ValueTextEquals(PayloadTypes.Utf8.LogQuery)) return PayloadType.LogQuery;
        if (r.ValueTextEquals(PayloadTypes.Utf8.LogInfo)) return PayloadType.LogInfo;
        if (r.ValueTextEquals(PayloadTypes.Utf8.LogRequest)) return PayloadType.LogRequest;
        if (r.ValueTextEquals(PayloadTypes.Utf8.Log)) return PayloadType.Log;
        return PayloadType.Other;
    }
}
