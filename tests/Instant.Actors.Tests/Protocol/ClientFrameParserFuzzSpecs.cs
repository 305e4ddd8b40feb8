using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Instant.Actors.Protocol;
using Xunit;

namespace Instant.Actors.Tests.Protocol;

/// <summary>
/// Property-based tests of the client frame parser (CsCheck): random frames, shrunk to the
/// smallest failing one. A fixed number of cases in the test run; bench/fuzz.sh runs each for
/// longer through <c>CsCheck_Time</c>.
/// </summary>
public class ClientFrameParserFuzzSpecs
{
    private static readonly JsonDocumentOptions OracleOptions = new() { MaxDepth = 256 };

    /// <summary>Strings with what JSON makes hard: escapes, quotes, control characters, lone surrogates, non-ASCII.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[0, 12],
        Gen.Char.Array[0, 8].Select(c => new string(c)),
        Gen.OneOf<string>("type", "seq", "to", "data", "\"", "\\", "\u0000", "\ud800", "\udc00x", "\u00e9", "\U0001F600", string.Empty));

    private static readonly Gen<JsonNode?> Value = Gen.Recursive<JsonNode?>((depth, value) =>
    {
        var scalar = Gen.OneOf(
            Gen.Const(() => (JsonNode?)null),
            Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n)),
            Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d)),
            Text.Select(s => (JsonNode?)JsonValue.Create(s)));
        if (depth >= 4)
        {
            return scalar;
        }

        var array = value.Array[0, 4].Select(items => (JsonNode?)new JsonArray(items));
        var obj = Gen.Dictionary(Text, value)[0, 4].Select(d => (JsonNode?)new JsonObject(d));
        return Gen.OneOf(scalar, array, obj);
    });

    /// <summary>A frame as clients send it: some of type, seq, to and data (absent, JSON null or a value), among other members.</summary>
    private static readonly Gen<Dictionary<string, JsonNode?>> Frame =
        from type in Known(Gen.OneOf(Text.Select(s => (JsonNode?)JsonValue.Create(s)), Value))
        from seq in Known(Value)
        from to in Known(Value)
        from data in Known(Value)
        from others in Gen.Dictionary(Text.Where(t => t is not ("type" or "seq" or "to" or "data")), Value)[0, 3]
        select Members(others, ("type", type), ("seq", seq), ("to", to), ("data", data));

    /// <summary>A known member: absent (not Present) or present with a value, which may be JSON null.</summary>
    private static Gen<(bool Present, JsonNode? Value)> Known(Gen<JsonNode?> value) => Gen.Select(Gen.Bool, value);

    private static Dictionary<string, JsonNode?> Members(Dictionary<string, JsonNode?> others, params (string Name, (bool Present, JsonNode? Value) Member)[] known)
    {
        var members = new Dictionary<string, JsonNode?>(others);
        foreach (var (name, (present, value)) in known)
        {
            if (present)
            {
                members[name] = value?.DeepClone();
            }
        }

        return members;
    }

    private static string Serialize(Dictionary<string, JsonNode?> members)
        => new JsonObject(members.Select(m => KeyValuePair.Create(m.Key, m.Value?.DeepClone()))).ToJsonString();

    [Fact]
    public void A_frame_gives_back_its_type_seq_to_and_data_as_sent()
    {
        Frame.Sample(members =>
        {
            string json = Serialize(members);
            var frame = ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json));

            Assert.NotNull(frame);
            members.TryGetValue("type", out var type);
            string? expectedType = type switch
            {
                null => null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => AsWritten(v),
                _ => type.ToJsonString(),
            };
            Assert.Equal(expectedType, frame.Type);
            members.TryGetValue("to", out var to);
            Assert.Equal(to is JsonValue t && t.GetValueKind() == JsonValueKind.String ? AsWritten(t) : null, frame.To);
            AssertRaw(members.GetValueOrDefault("seq"), frame.Seq);
            AssertRaw(members.GetValueOrDefault("data"), frame.Data);
        }, iter: Fuzz.Iterations(3000), print: Serialize);
    }

    /// <summary>
    /// The oracle is System.Text.Json's document parser: a frame is accepted exactly when the
    /// text is one JSON object whose member names and <c>type</c> and <c>to</c> strings are
    /// text (no lone surrogate escaped), whatever is mangled in it (the socket layer has
    /// checked UTF-8).
    /// </summary>
    [Fact]
    public void Any_text_is_accepted_exactly_when_it_is_one_JSON_object_and_never_throws()
    {
        var mangled =
            from json in Frame.Select(Serialize)
            from edits in Gen.Select(Gen.Int[0, 1000], Gen.OneOf<char>('{', '}', '[', ']', '"', '\\', ',', ':', ' ', 'x', '0', '\u00e9', '\ud800'))
                .Array[0, 3]
            select Mangle(json, edits);
        var anything = Gen.OneOf(mangled, Gen.String[0, 40], Gen.OneOf<string>("", " ", "{}", "{", "}", "[]", "null", "{} {}", "{}x", "{\"a\":1,}", "{\"type\":\"\\ud800\"}"));

        anything.Sample(text =>
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(text); // lone surrogates become U+FFFD: always valid UTF-8
            var frame = ClientFrameParser.TryParse(utf8);
            Assert.Equal(IsOneObject(utf8), frame is not null);
        }, iter: Fuzz.Iterations(5000));
    }

    private static string Mangle(string json, (int At, char With)[] edits)
    {
        var text = new StringBuilder(json);
        foreach (var (at, with) in edits)
        {
            int i = text.Length == 0 ? 0 : at % (text.Length + 1);
            if (at % 3 == 0 && i < text.Length)
            {
                text.Remove(i, 1);
            }
            else
            {
                text.Insert(i, with);
            }
        }

        return text.ToString();
    }

    private static bool IsOneObject(byte[] utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8, OracleOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.EnumerateObject().All(IsReadable);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A string as it reads back once written: the writer replaces lone surrogates with U+FFFD.</summary>
    private static string AsWritten(JsonValue value) => JsonNode.Parse(value.ToJsonString())!.GetValue<string>();

    /// <summary>A raw member is the very text the value was written as.</summary>
    /// <summary>
    /// A member the parser can read: its name, compared with the names it looks for, and a
    /// <c>type</c> or <c>to</c> string are text (an escaped lone surrogate is not).
    /// </summary>
    private static bool IsReadable(JsonProperty member)
    {
        try
        {
            if ((member.NameEquals("type") || member.NameEquals("to")) && member.Value.ValueKind == JsonValueKind.String)
            {
                member.Value.GetString();
            }

            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void AssertRaw(JsonNode? expected, ReadOnlyMemory<byte> raw)
    {
        if (expected is null)
        {
            Assert.True(raw.IsEmpty, "an absent or null member is empty");
            return;
        }

        Assert.Equal(expected.ToJsonString(), Encoding.UTF8.GetString(raw.Span));
    }
}
