using System.Buffers;
using System.Buffers.Binary;
using CsCheck;
using Instant.Web.Sockets;
using Xunit;

namespace Instant.Web.Tests.Sockets;

/// <summary>
/// Property-based tests of the WebSocket frame decoder (CsCheck): random messages, fragmented,
/// masked and interleaved with pings, arriving in random pieces; and the same streams mangled.
/// A fixed number of cases in the test run; bench/fuzz.sh runs each for longer.
/// </summary>
public class ClientFrameReaderFuzzSpecs
{
    private const int MaxMessageSize = 1500;

    /// <summary>One client message: its fragments (each with a mask key) and pings sent after each fragment.</summary>
    private sealed record Message(bool Binary, byte[] Payload, int[] Cuts, uint[] Masks, byte[][] PingsAfterFirst, bool WideLengths)
    {
        public override string ToString() => $"{(Binary ? "binary" : "text")} {Payload.Length} B cut at [{string.Join(",", Cuts)}], {PingsAfterFirst.Length} pings";
    }

    private static readonly Gen<Message> Messages =
        from binary in Gen.Bool
        from payload in Gen.Byte.Array[0, 2 * MaxMessageSize]
        from cuts in Gen.Int[0, 2 * MaxMessageSize].Array[0, 3]
        from masks in Gen.UInt.Array[4]
        from pings in Gen.Byte.Array[0, 125].Array[0, 2]
        from wide in Gen.Bool
        select new Message(binary, payload, cuts.Where(c => c < payload.Length).Distinct().Order().ToArray(), masks, pings, wide);

    /// <summary>Where a stream is cut into the pieces the socket delivers.</summary>
    private static readonly Gen<int[]> Pieces = Gen.Int[1, 4000].Array[0, 12];

    [Fact]
    public void Messages_in_any_fragments_and_pieces_come_out_whole_with_pings_in_order_and_the_budget_back()
    {
        Gen.Select(Messages.Array[1, 5], Pieces).Sample(t =>
        {
            var (messages, pieces) = t;
            byte[] wire = messages.SelectMany(Encode).ToArray();
            var budget = new InputBudget(64 * 1024 * 1024);
            using var reader = new ClientFrameReader(MaxMessageSize, budget);

            var (events, end) = Feed(reader, wire, pieces);

            Assert.Null(end);
            Assert.Equal(messages.SelectMany(Expected).ToArray(), events);
            Assert.Equal(0, budget.Used);
        }, iter: Fuzz.Iterations(3000));
    }

    [Fact]
    public void A_mangled_stream_decodes_the_same_in_one_piece_and_in_many_never_throws_and_gives_the_budget_back()
    {
        var mangled =
            from messages in Messages.Array[1, 4]
            from edits in Gen.Select(Gen.Int.Positive, Gen.Byte).Array[1, 4]
            from cut in Gen.Int.Positive
            select Mangle(messages.SelectMany(Encode).ToArray(), edits, cut);

        Gen.Select(mangled, Pieces).Sample(t =>
        {
            var (wire, pieces) = t;
            var wholeBudget = new InputBudget(64 * 1024 * 1024);
            var piecesBudget = new InputBudget(64 * 1024 * 1024);
            var whole = new ClientFrameReader(MaxMessageSize, wholeBudget);
            var inPieces = new ClientFrameReader(MaxMessageSize, piecesBudget);

            var (wholeEvents, wholeEnd) = Feed(whole, wire, []);
            var (pieceEvents, piecesEnd) = Feed(inPieces, wire, pieces);
            whole.Dispose();
            inPieces.Dispose();

            Assert.Equal(wholeEvents, pieceEvents);
            Assert.Equal(wholeEnd, piecesEnd);
            Assert.True(
                wholeEvents.All(e => e.Payload.Length <= 2 * (e.Kind == "Ping" ? 125 : MaxMessageSize)), // hex: two digits a byte
                "an event larger than its limit: " + string.Join(", ", wholeEvents.Select(e => $"{e.Kind} {e.Payload.Length / 2} B")));
            Assert.Equal(0, wholeBudget.Used);
            Assert.Equal(0, piecesBudget.Used);
        }, iter: Fuzz.Iterations(3000), print: t => Convert.ToHexString(t.Item1.AsSpan(0, Math.Min(t.Item1.Length, 64))) + $"... ({t.Item1.Length} B)");
    }

    [Fact]
    public void Server_frame_headers_read_back_as_written()
    {
        Gen.Select(Gen.Byte[0, 15], Gen.Long[0, long.MaxValue], Gen.Int[0, 2]).Sample(t =>
        {
            var (opcode, length, scale) = t;
            long payloadLength = scale switch { 0 => length % 126, 1 => length % 65536, _ => length };
            var header = new byte[WebSocketFraming.MaxServerHeaderLength];
            int written = WebSocketFraming.WriteHeader(header, opcode, payloadLength);
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(header, 0, written));

            Assert.True(WebSocketFraming.TryReadHeader(ref reader, out var read));
            Assert.Equal(new FrameHeader(true, opcode, payloadLength, 0, false, false), read);
            Assert.Equal(written, reader.Consumed);
        }, iter: Fuzz.Iterations(3000));
    }

    private static IEnumerable<byte> Encode(Message m)
    {
        int[] bounds = [0, .. m.Cuts, m.Payload.Length];
        for (int i = 0; i + 1 < bounds.Length; i++)
        {
            byte opcode = i == 0 ? (m.Binary ? WebSocketOpcodes.Binary : WebSocketOpcodes.Text) : WebSocketOpcodes.Continuation;
            bool fin = i + 2 == bounds.Length;
            foreach (byte b in ClientFrame(opcode, fin, m.Payload.AsSpan(bounds[i], bounds[i + 1] - bounds[i]), m.Masks[i], m.WideLengths))
            {
                yield return b;
            }

            if (i == 0)
            {
                foreach (var ping in m.PingsAfterFirst)
                {
                    foreach (byte b in ClientFrame(WebSocketOpcodes.Ping, true, ping, m.Masks[3], wide: false))
                    {
                        yield return b;
                    }
                }
            }
        }
    }

    /// <summary>What the reader must give for one message and its pings: the message as text, or that it was binary or too large.</summary>
    private static IEnumerable<(string Kind, string Payload)> Expected(Message m)
    {
        var message = m.Binary ? ("Binary", string.Empty)
            : m.Payload.Length > MaxMessageSize ? ("TooLarge", string.Empty)
            : ("Text", Convert.ToHexString(m.Payload));
        var pings = m.PingsAfterFirst.Select(p => ("Ping", Convert.ToHexString(p)));
        // The pings follow the first fragment: the message ends before them when that is its only one.
        return m.Cuts.Length == 0 ? pings.Prepend(message) : pings.Append(message);
    }

    /// <summary>A masked client frame; <paramref name="wide"/> spells a short length in a longer form than needed.</summary>
    private static byte[] ClientFrame(byte opcode, bool fin, ReadOnlySpan<byte> payload, uint mask, bool wide)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126 && !(wide && opcode < 8))
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue && !(wide && payload.Length > 200))
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add(0x80 | 127);
            var length = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(length, payload.Length);
            frame.AddRange(length);
        }

        var key = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(key, mask);
        frame.AddRange(key);
        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add((byte)(payload[i] ^ key[i & 3]));
        }

        return [.. frame];
    }

    private static byte[] Mangle(byte[] wire, (int At, byte With)[] edits, int cut)
    {
        var mangled = wire.ToArray();
        foreach (var (at, with) in edits)
        {
            mangled[at % mangled.Length] = with;
        }

        return mangled[..(cut % (mangled.Length + 1))];
    }

    /// <summary>
    /// Feeds <paramref name="wire"/> cut at <paramref name="pieces"/>, each call seeing what the last
    /// left unread followed by the new piece (a sequence of two segments, as a pipe hands them out).
    /// </summary>
    private static (List<(string Kind, string Payload)> Events, ClientFrameReader.End? End) Feed(ClientFrameReader reader, byte[] wire, int[] pieces)
    {
        var events = new List<(string, string)>();
        var cuts = pieces.Select(p => p % (wire.Length + 1)).Append(wire.Length).Distinct().Order().ToArray();
        byte[] unread = [];
        int at = 0;
        foreach (int cut in cuts)
        {
            var buffer = Segments.Of(unread, wire[at..cut]);
            at = cut;
            var end = reader.Process(ref buffer, out var decoded);
            events.AddRange(decoded.Select(e => (e.Kind.ToString(), Convert.ToHexString(e.Payload))));
            if (end is not null)
            {
                return (events, end);
            }

            unread = buffer.ToArray();
        }

        return (events, null);
    }

    /// <summary>A sequence of several arrays, as a pipe's reader hands out data that spans buffers.</summary>
    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Of(byte[] first, byte[] second)
        {
            var head = new Segments(first, 0);
            var tail = new Segments(second, first.Length);
            head.Next = tail;
            return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
        }
    }
}
