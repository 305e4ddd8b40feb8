using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;

namespace Instant.Actors.Cluster;

/// <summary>Writes the fields of a cluster message: little-endian numbers, length-prefixed bytes and strings (-1 for null).</summary>
internal sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public WireWriter(int sizeHint) => _buffer = new ArrayBufferWriter<byte>(Math.Max(16, sizeHint));

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public WireWriter Long(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public WireWriter Int(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public WireWriter Bool(bool value)
    {
        _buffer.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _buffer.Advance(1);
        return this;
    }

    public WireWriter Bytes(ReadOnlySpan<byte> value)
    {
        Int(value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
        return this;
    }

    public WireWriter NullableBytes(byte[]? value) => value is null ? Int(-1) : Bytes(value);

    public WireWriter String(string? value)
    {
        if (value is null)
        {
            return Int(-1);
        }

        int length = Encoding.UTF8.GetByteCount(value);
        Int(length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
        return this;
    }
}

/// <summary>Reads what <see cref="WireWriter"/> wrote; a short or malformed message is a <see cref="SerializationException"/>.</summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public bool Bool() => Take(1)[0] != 0;

    public byte[]? NullableBytes()
    {
        int length = Int();
        return length < 0 ? null : Take(length).ToArray();
    }

    public byte[] Bytes() => NullableBytes() ?? throw new SerializationException("a required byte field is null");

    public string? NullableString()
    {
        int length = Int();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public string String() => NullableString() ?? throw new SerializationException("a required text field is null");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _data.Length)
        {
            throw new SerializationException("a cluster message ended early");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
