using System.Buffers;
using System.Buffers.Binary;

namespace Instant.Web.Sockets;

/// <summary>
/// Decodes client WebSocket frames as bytes arrive: unmasks payloads, joins fragments into
/// messages, checks RFC 6455's rules, and drops (without buffering) binary messages and
/// messages over the size limit. Only a text message in progress holds a buffer.
/// </summary>
public sealed class ClientFrameReader(int maxMessageSize) : IDisposable
{
    private readonly List<Event> _events = [];
    private bool _inFrame;
    private FrameHeader _frame;
    private long _frameOffset;
    private byte _messageOpcode;
    private byte[]? _message;
    private int _messageLength;
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
                        case WebSocketOpcodes.Close:
                            return new End(payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : (ushort)1005, 0, string.Empty);
                        case WebSocketOpcodes.Ping:
                            _events.Add(new Event(EventKind.Ping, payload));
                            break;
                    }

                    continue;
                }

                if (!ReadPayload(ref reader))
                {
                    return null;
                }

                _inFrame = false;
                if (_frame.Fin)
                {
                    _events.Add(_tooLarge ? new Event(EventKind.TooLarge, [])
                        : _messageOpcode == WebSocketOpcodes.Binary ? new Event(EventKind.Binary, [])
                        : new Event(EventKind.Text, _message is null ? [] : _message.AsSpan(0, _messageLength).ToArray()));
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

    /// <summary>Takes what is buffered of the current data frame; true once the frame is complete.</summary>
    private bool ReadPayload(ref SequenceReader<byte> reader)
    {
        long remaining = _frame.PayloadLength - _frameOffset;
        if (!_discarding && !_tooLarge && _messageLength + remaining > maxMessageSize)
        {
            _tooLarge = true;
            _discarding = true;
            ReleaseMessage();
        }

        while (remaining > 0)
        {
            if (reader.Remaining == 0)
            {
                return false;
            }

            int take = (int)Math.Min(remaining, Math.Min(reader.Remaining, reader.UnreadSpan.Length));
            if (!_discarding)
            {
                EnsureCapacity(_messageLength + (int)remaining);
                var target = _message.AsSpan(_messageLength, take);
                reader.UnreadSpan[..take].CopyTo(target);
                WebSocketFraming.Unmask(target, _frame.MaskKey, _frameOffset);
                _messageLength += take;
            }

            reader.Advance(take);
            _frameOffset += take;
            remaining -= take;
        }

        return true;
    }

    private void EnsureCapacity(int needed)
    {
        if (_message is not null && _message.Length >= needed)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Min(maxMessageSize, (_message?.Length ?? 0) * 2)));
        _message?.AsSpan(0, _messageLength).CopyTo(bigger);
        ReleaseMessage();
        _message = bigger;
    }

    private void ReleaseMessage()
    {
        if (_message is not null)
        {
            ArrayPool<byte>.Shared.Return(_message);
            _message = null;
        }
    }
}
