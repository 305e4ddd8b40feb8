using System.Buffers;
using System.Buffers.Binary;

namespace Instant.Web.Sockets;

/// <summary>
/// Decodes client WebSocket frames as bytes arrive: unmasks payloads, joins fragments into
/// messages, checks RFC 6455's rules, and drops (without buffering) binary messages and
/// messages over the size limit. A message that arrives whole in one read is copied once,
/// straight into its final array; only one that arrives in pieces is held meanwhile, in
/// pooled segments that grow with what has arrived and are reserved from the process-wide
/// <see cref="InputBudget"/>.
/// </summary>
public sealed class ClientFrameReader(int maxMessageSize, InputBudget budget) : IDisposable
{
    /// <summary>The largest piece a message in progress is held in.</summary>
    public const int SegmentSize = 16 * 1024;

    private readonly List<Event> _events = [];
    private readonly List<byte[]> _segments = [];
    private bool _inFrame;
    private FrameHeader _frame;
    private long _frameOffset;
    private byte _messageOpcode;
    private byte[]? _whole;
    private int _messageLength;
    private int _lastSegmentUsed;
    private long _reserved;
    private bool _discarding;
    private bool _tooLarge;

    public enum EventKind
    {
        Text,
        Binary,
        TooLarge,
        Ping,
    }

    /// <summary>A complete message or control frame.</summary>
    public readonly record struct Event(EventKind Kind, byte[] Payload);

    /// <summary>
    /// The end of the conversation: the client's close (with its code, 1005 for none), or a
    /// protocol violation to close with.
    /// </summary>
    public sealed record End(ushort? CloseCode, ushort ProtocolErrorCode, string Reason);

    /// <summary>
    /// Decodes what <paramref name="buffer"/> holds and slices off what was used. Events are
    /// valid until the next call. Returns non-null when the connection must end.
    /// </summary>
    public End? Process(ref ReadOnlySequence<byte> buffer, out IReadOnlyList<Event> events)
    {
        _events.Clear();
        events = _events;
        var reader = new SequenceReader<byte>(buffer);
        try
        {
            while (true)
            {
                if (!_inFrame)
                {
                    if (!WebSocketFraming.TryReadHeader(ref reader, out var header))
                    {
                        return null;
                    }

                    if (Validate(header) is { } violation)
                    {
                        return new End(null, 1002, violation);
                    }

                    _frame = header;
                    _frameOffset = 0;
                    _inFrame = true;
                }

                if (WebSocketOpcodes.IsControl(_frame.Opcode))
                {
                    if (reader.Remaining < _frame.PayloadLength)
                    {
                        return null;
                    }

                    var payload = new byte[_frame.PayloadLength];
                    reader.TryCopyTo(payload);
                    reader.Advance(payload.Length);
                    WebSocketFraming.Unmask(payload, _frame.MaskKey, 0);
                    _inFrame = false;
                    switch (_frame.Opcode)
                    {
                        case WebSocketOpcodes.Close when payload.Length == 1:
                            return new End(null, 1002, "malformed close frame");
                        case WebSocketOpcodes.Close when payload.Length == 0:
                            return new End(1005, 0, string.Empty);
                        case WebSocketOpcodes.Close when !IsValidCloseCode(BinaryPrimitives.ReadUInt16BigEndian(payload)):
                            return new End(null, 1002, "invalid close code");
                        case WebSocketOpcodes.Close when !System.Text.Unicode.Utf8.IsValid(payload.AsSpan(2)):
                            return new End(null, 1007, "invalid UTF-8 in the close reason");
                        case WebSocketOpcodes.Close:
                            return new End(BinaryPrimitives.ReadUInt16BigEndian(payload), 0, string.Empty);
                        case WebSocketOpcodes.Ping:
                            _events.Add(new Event(EventKind.Ping, payload));
                            break;
                    }

                    continue;
                }

                switch (ReadPayload(ref reader))
                {
                    case Progress.Incomplete:
                        return null;
                    case Progress.OverBudget:
                        ReleaseMessage();
                        return new End(null, 1013, "server busy: too much unfinished input (instant.ws.inputBudget)");
                }

                _inFrame = false;
                if (_frame.Fin)
                {
                    _events.Add(_tooLarge ? new Event(EventKind.TooLarge, [])
                        : _messageOpcode == WebSocketOpcodes.Binary ? new Event(EventKind.Binary, [])
                        : new Event(EventKind.Text, TakeMessage()));
                    ReleaseMessage();
                    _messageOpcode = 0;
                }
            }
        }
        finally
        {
            buffer = buffer.Slice(reader.Position);
        }
    }

    public void Dispose() => ReleaseMessage();

    /// <summary>
    /// A code a peer may send (RFC 6455 7.4 and the IANA registry): 1000-1003, 1007-1014, and
    /// 3000-4999 for libraries and applications. 1004 is reserved; 1005, 1006 and 1015 only
    /// ever describe a close locally and must not appear on the wire.
    /// </summary>
    public static bool IsValidCloseCode(ushort code)
        => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    private string? Validate(FrameHeader header)
    {
        if (header.ReservedBitsSet)
        {
            return "reserved bits set without an extension";
        }

        if (!header.Masked)
        {
            return "client frames must be masked";
        }

        if (header.PayloadLength < 0)
        {
            return "invalid payload length";
        }

        switch (header.Opcode)
        {
            case WebSocketOpcodes.Close or WebSocketOpcodes.Ping or WebSocketOpcodes.Pong:
                return !header.Fin || header.PayloadLength > 125 ? "control frames must be final and at most 125 bytes" : null;
            case WebSocketOpcodes.Continuation:
                return _messageOpcode == 0 ? "continuation frame without a message" : null;
            case WebSocketOpcodes.Text or WebSocketOpcodes.Binary:
                if (_messageOpcode != 0)
                {
                    return "new message inside a fragmented one";
                }

                _messageOpcode = header.Opcode;
                _messageLength = 0;
                _tooLarge = false;
                _discarding = header.Opcode == WebSocketOpcodes.Binary; // refused anyway: never buffered
                return null;
            default:
                return "unknown opcode";
        }
    }

    private enum Progress
    {
        Complete,
        Incomplete,
        OverBudget,
    }

    /// <summary>Takes what is buffered of the current data frame.</summary>
    private Progress ReadPayload(ref SequenceReader<byte> reader)
    {
        long remaining = _frame.PayloadLength - _frameOffset;
        if (!_discarding && !_tooLarge && _messageLength + remaining > maxMessageSize)
        {
            _tooLarge = true;
            _discarding = true;
            ReleaseMessage();
        }

        if (!_discarding && _frame.Fin && _messageLength == 0 && _frameOffset == 0 && reader.Remaining >= remaining)
        {
            // The common case: a whole message in one frame, all of it here. No buffer in between.
            _whole = new byte[remaining];
            reader.TryCopyTo(_whole);
            reader.Advance(remaining);
            WebSocketFraming.Unmask(_whole, _frame.MaskKey, 0);
            _messageLength = _whole.Length;
            return Progress.Complete;
        }

        while (remaining > 0)
        {
            if (reader.Remaining == 0)
            {
                return Progress.Incomplete;
            }

            int take = (int)Math.Min(remaining, reader.UnreadSpan.Length);
            if (!_discarding && !Append(reader.UnreadSpan[..take], remaining))
            {
                return Progress.OverBudget;
            }

            reader.Advance(take);
            _frameOffset += take;
            remaining -= take;
        }

        return Progress.Complete;
    }

    /// <summary>Unmasks <paramref name="data"/> into the segments; false when the budget has no room for another.</summary>
    private bool Append(ReadOnlySpan<byte> data, long frameRemaining)
    {
        long offset = _frameOffset;
        while (!data.IsEmpty)
        {
            if (_segments.Count == 0 || _lastSegmentUsed == _segments[^1].Length)
            {
                // Sized to what the frame still promises, so a small message holds a small segment.
                long promised = frameRemaining - (offset - _frameOffset);
                int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(promised, 1024, SegmentSize));
                if (!budget.TryReserve(size))
                {
                    return false;
                }

                _reserved += size;
                var segment = ArrayPool<byte>.Shared.Rent(size);
                _segments.Add(segment);
                _lastSegmentUsed = 0;
            }

            var last = _segments[^1];
            int n = Math.Min(data.Length, last.Length - _lastSegmentUsed);
            var target = last.AsSpan(_lastSegmentUsed, n);
            data[..n].CopyTo(target);
            WebSocketFraming.Unmask(target, _frame.MaskKey, offset);
            _lastSegmentUsed += n;
            _messageLength += n;
            offset += n;
            data = data[n..];
        }

        return true;
    }

    /// <summary>The complete message as one array of its exact length.</summary>
    private byte[] TakeMessage()
    {
        if (_whole is { } whole)
        {
            _whole = null;
            return whole;
        }

        var message = new byte[_messageLength];
        int at = 0;
        foreach (var segment in _segments)
        {
            int n = Math.Min(segment.Length, _messageLength - at);
            segment.AsSpan(0, n).CopyTo(message.AsSpan(at));
            at += n;
        }

        return message;
    }

    private void ReleaseMessage()
    {
        foreach (var segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        _lastSegmentUsed = 0;
        _messageLength = 0;
        _whole = null;
        budget.Release(_reserved);
        _reserved = 0;
    }
}
