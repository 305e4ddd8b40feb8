using System.Text.Json;

namespace Instant.Actors.Protocol;

/// <summary>
/// Finds <c>type</c>, <c>seq</c>, <c>to</c> and <c>data</c> in one UTF-8 JSON frame. The whole
/// frame is validated, but only those members are looked at; values stay slices of the input.
/// </summary>
public static class ClientFrameParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>Parses <paramref name="frame"/>; returns null when it is not one JSON object.</summary>
    public static ClientFrame? TryParse(ReadOnlyMemory<byte> frame)
    {
        try
        {
            return Parse(frame);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // A member name, type or to (what is read as text) that escapes a lone UTF-16
            // surrogate ("\ud800") is valid JSON but no text: refused like broken JSON.
            return null;
        }
    }

    private static ClientFrame? Parse(ReadOnlyMemory<byte> frame)
    {
        var reader = new Utf8JsonReader(frame.Span, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? type = null, to = null;
        ReadOnlyMemory<byte> seq = default, data = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // ValueTextEquals compares the unescaped name, so "\u0074ype" is "type" too.
            var member = reader.ValueTextEquals("type"u8) ? Member.Type
                : reader.ValueTextEquals("seq"u8) ? Member.Seq
                : reader.ValueTextEquals("to"u8) ? Member.To
                : reader.ValueTextEquals("data"u8) ? Member.Data
                : Member.Other;
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            bool isString = reader.TokenType == JsonTokenType.String;
            bool isNull = reader.TokenType == JsonTokenType.Null;
            switch (member)
            {
                case Member.Type when isString:
                    type = reader.GetString();
                    break;
                case Member.Type:
                    // A type that is not a string is named by its JSON text (5 is "5"), as the
                    // original reports it: an unknown type, not a missing one.
                    reader.Skip();
                    type = isNull ? null : System.Text.Encoding.UTF8.GetString(frame.Span[start..(int)reader.BytesConsumed]);
                    continue;
                case Member.To:
                    to = isString ? reader.GetString() : null;
                    break;
                case Member.Seq:
                case Member.Data:
                    reader.Skip();
                    var slice = isNull ? default : frame[start..(int)reader.BytesConsumed];
                    if (member == Member.Seq)
                    {
                        seq = slice;
                    }
                    else
                    {
                        data = slice;
                    }

                    continue;
            }

            reader.Skip();
        }

        // The object must be closed, and nothing but white space may follow it.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return null;
        }

        return new ClientFrame(type, seq, to, data);
    }

    private enum Member
    {
        Other,
        Type,
        Seq,
        To,
        Data,
    }
}
