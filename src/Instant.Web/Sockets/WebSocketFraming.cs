using System.Buffers;
using System.Buffers.Binary;

namespace Instant.Web.Sockets;

/// <summary>RFC 6455 opcodes and close codes the lean path uses.</summary>
public static class WebSocketOpcodes
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    public static bool IsControl(byte opcode) => (opcode & 0x8) != 0;
}

/// <summary>A client frame's header, read from the wire.</summary>
public readonly record struct FrameHeader(bool Fin, byte Opcode, long PayloadLength, uint MaskKey, bool Masked, bool ReservedBitsSet);

/// <summary>Reads client frame headers and writes server frames (unmasked, as servers send them).</summary>
public static class WebSocketFraming
{
    /// <summary>The largest header a server frame has: 2 bytes, plus 8 of extended length.</summary>
    public const int MaxServerHeaderLength = 10;

    /// <summary>Reads one frame header if all of it is buffered; otherwise leaves the reader as it was.</summary>
    public static bool TryReadHeader(ref SequenceReader<byte> reader, out FrameHeader header)
    {
        header = default;
        var probe = reader; // a copy: committed only when the whole header is there
        if (!probe.TryRead(out byte b0) || !probe.TryRead(out byte b1))
        {
            return false;
        }

        long length = b1 & 0x7F;
        if (length == 126)
        {
            if (!probe.TryReadBigEndian(out short len16))
            {
                return false;
            }

            length = (ushort)len16;
        }
        else if (length == 127 && !probe.TryReadBigEndian(out length))
        {
            return false;
        }

        bool masked = (b1 & 0x80) != 0;
        int mask = 0;
        if (masked && !probe.TryReadBigEndian(out mask))
        {
            return false;
        }

        header = new FrameHeader((b0 & 0x80) != 0, (byte)(b0 & 0x0F), length, (uint)mask, masked, (b0 & 0x70) != 0);
        reader = probe;
        return true;
    }

    /// <summary>Unmasks <paramref name="data"/> in place; <paramref name="offset"/> is its position in the payload.</summary>
    public static void Unmask(Span<byte> data, uint maskKey, long offset)
    {
        Span<byte> mask = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(mask, maskKey);
        int m = (int)(offset & 3);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] ^= mask[m];
            m = (m + 1) & 3;
        }
    }

    /// <summary>Writes a server frame's header for a final frame of <paramref name="payloadLength"/> bytes.</summary>
    public static int WriteHeader(Span<byte> destination, byte opcode, long payloadLength)
    {
        destination[0] = (byte)(0x80 | opcode);
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteInt64BigEndian(destination[2..], payloadLength);
        return 10;
    }

    /// <summary>A close frame's payload: the status code, then a UTF-8 reason.</summary>
    public static byte[] ClosePayload(ushort code, string reason)
    {
        var payload = new byte[2 + System.Text.Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        System.Text.Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return payload;
    }
}
