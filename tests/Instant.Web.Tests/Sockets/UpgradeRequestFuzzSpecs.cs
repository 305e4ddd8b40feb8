using System.Buffers;
using System.Text;
using CsCheck;
using Instant.Web.Sockets;
using Xunit;

namespace Instant.Web.Tests.Sockets;

/// <summary>
/// Property-based tests of the lean path's HTTP head parser (CsCheck): well-formed upgrades in
/// every spelling HTTP allows are read; one defect that Kestrel answers with 400 makes the
/// head unreadable here too (so it goes to Kestrel); nothing makes the parser throw.
/// </summary>
public class UpgradeRequestFuzzSpecs
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly Gen<string> Token = Gen.Char[TokenChars].Array[1, 10].Select(c => new string(c));

    /// <summary>A field value: visible ASCII with inner spaces and tabs, none at the ends.</summary>
    private static readonly Gen<string> FieldValue = Gen.OneOf(Gen.Char['!', '~'], Gen.Char[" \t"]).Array[0, 16]
        .Select(c => new string(c).Trim(' ', '\t'));

    private static readonly Gen<string> PathText = Gen.Char["abcxyz0123456789-._~%/!$&'()*+,;=:@"].Array[0, 12].Select(c => "/" + new string(c));

    private static readonly Gen<string> QueryText = Gen.Char["abcxyz0123456789-._~%/?=&"].Array[0, 10].Select(c => c.Length == 0 ? string.Empty : "?" + new string(c));

    /// <summary>Spaces and tabs a sender may put around a field value.</summary>
    private static readonly Gen<string> Whitespace = Gen.Char[" \t"].Array[0, 3].Select(c => new string(c));

    private static readonly Gen<Head> Heads =
        from path in PathText
        from query in QueryText
        from key in Gen.Byte.Array[16].Select(Convert.ToBase64String)
        from extras in Gen.Select(Token, FieldValue).Array[0, 5]
        from casing in Gen.Bool.Array[16]
        from spaces in Whitespace.Array[16]
        from order in Gen.Int.Array[16]
        select Head.Build(path, query, key, extras, casing, spaces, order);

    [Fact]
    public void A_well_formed_upgrade_in_any_spelling_is_read_with_its_path_query_and_headers()
    {
        Heads.Sample(head =>
        {
            var request = Parse(head.Text);

            Assert.NotNull(request);
            Assert.True(request.IsWebSocketUpgrade);
            Assert.Equal((head.Path, head.Query), (request.Path, request.Query));
            Assert.Equal(head.Key, request.Header("sec-websocket-key"));
            foreach (var (name, value) in head.Extras)
            {
                Assert.Equal(value, request.Header(name));
            }
        }, iter: Fuzz.Iterations(3000), print: h => h.Text);
    }

    [Fact]
    public void One_defect_that_Kestrel_refuses_leaves_the_head_unread()
    {
        Gen.Select(Heads, Gen.Int[0, Head.Defects - 1], Gen.Int.NonNegative, Gen.Char["\u0000\u0001\u001f\u007f\r\n"]).Sample(t =>
        {
            var (head, defect, where, control) = t;
            string broken = head.WithDefect(defect, where, control);

            Assert.Null(Parse(broken));
        }, iter: Fuzz.Iterations(3000), print: t => t.Item1.WithDefect(t.Item2, t.Item3, t.Item4));
    }

    [Fact]
    public void No_bytes_make_the_parser_throw()
    {
        var mangled =
            from head in Heads
            from edits in Gen.Select(Gen.Int.NonNegative, Gen.Byte).Array[1, 6]
            select Mangle(Encoding.Latin1.GetBytes(head.Text), edits);
        Gen.OneOf(mangled, Gen.Byte.Array[0, 400]).Sample(bytes =>
        {
            var sequence = new ReadOnlySequence<byte>(bytes);
            if (UpgradeRequest.FindEnd(sequence) is { } end)
            {
                _ = UpgradeRequest.Parse(sequence.Slice(0, end))?.IsWebSocketUpgrade;
            }

            _ = UpgradeRequest.Parse(sequence);
        }, iter: Fuzz.Iterations(5000));
    }

    private static UpgradeRequest? Parse(string head) => UpgradeRequest.Parse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(head)));

    private static byte[] Mangle(byte[] bytes, (int At, byte With)[] edits)
    {
        foreach (var (at, with) in edits)
        {
            bytes[at % bytes.Length] = with;
        }

        return bytes;
    }

    /// <summary>An upgrade request head: its lines, and what a parser must find in them.</summary>
    private sealed record Head(string Path, string Query, string Key, (string Name, string Value)[] Extras, string RequestLine, List<string> Fields)
    {
        public const int Defects = 7;

        public string Text => RequestLine + "\r\n" + string.Concat(Fields.Select(f => f + "\r\n")) + "\r\n";

        public static Head Build(string path, string query, string key, (string Name, string Value)[] extras, bool[] casing, string[] spaces, int[] order)
        {
            // Extra names made unique and apart from the handshake's own.
            var named = extras.Select((e, i) => ($"X{i}-{e.Item1}", e.Item2)).ToArray();
            (string Name, string Value)[] fields =
            [
                ("Host", "127.0.0.1:8080"),
                ("Upgrade", casing[0] ? "websocket" : "WebSocket"),
                ("Connection", casing[1] ? "Upgrade" : "keep-alive, upgrade"),
                ("Sec-WebSocket-Version", "13"),
                ("Sec-WebSocket-Key", key),
                .. named,
            ];
            var lines = fields
                .Select((f, i) => $"{(casing[(i + 2) % casing.Length] ? f.Name.ToLowerInvariant() : f.Name)}:{spaces[i % spaces.Length]}{f.Value}{spaces[(i + 5) % spaces.Length]}")
                .Select((line, i) => (line, order[i % order.Length]))
                .OrderBy(l => l.Item2)
                .Select(l => l.line)
                .ToList();
            return new Head(path, query, key, named, $"GET {path}{query} HTTP/1.1", lines);
        }

        /// <summary>The head with one thing Kestrel answers 400 to (RFC 9110/9112).</summary>
        public string WithDefect(int defect, int where, char control)
        {
            var fields = Fields.ToList();
            int i = where % fields.Count;
            switch (defect)
            {
                case 0: // white space between a field name and its colon
                    int colon = fields[i].IndexOf(':');
                    fields[i] = fields[i][..colon] + " " + fields[i][colon..];
                    break;
                case 1: // no Host
                    fields.RemoveAll(f => f.StartsWith("host:", StringComparison.OrdinalIgnoreCase));
                    break;
                case 2: // two Hosts
                    fields.Insert(i, "Host: elsewhere.example");
                    break;
                case 3: // a control character in a field value
                    fields[i] = fields[i] + "x" + control + "y";
                    break;
                case 4: // obsolete line folding
                    fields.Insert(i + 1, (where % 2 == 0 ? " " : "\t") + "folded");
                    break;
                case 5: // a delimiter in a field name
                    fields[i] = "(" + fields[i];
                    break;
                default: // a request line that is not three parts
                    return RequestLine.Replace(" ", "  ", StringComparison.Ordinal) + "\r\n" + string.Concat(fields.Select(f => f + "\r\n")) + "\r\n";
            }

            return RequestLine + "\r\n" + string.Concat(fields.Select(f => f + "\r\n")) + "\r\n";
        }
    }
}
