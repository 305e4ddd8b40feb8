using System.Globalization;

namespace Instant.Protocol;

/// <summary>
/// Ids on the wire: a 64-bit number as 16 upper-case hex digits. The server reads ids strictly
/// (<see cref="TryParse"/>); Scribe reads the ids inside other clients' payloads leniently
/// (<see cref="TryParseLenient"/>), as peers and old logs write them.
/// </summary>
public static class IdFormat
{
    public static string ToHex(long id) => id.ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>The id in wire form, or null for no id.</summary>
    public static string? ToHex(long? id) => id is { } value ? ToHex(value) : null;

    /// <summary>Parses exactly 16 hex digits (either case); anything else is not an id.</summary>
    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        return text is { Length: 16 }
            && long.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id);
    }

    /// <summary>
    /// Parses 1 to 16 hex digits (either case, leading zeros optional) to a non-negative id;
    /// signs, spaces and anything else are not an id.
    /// </summary>
    public static bool TryParseLenient(string? text, out long id)
    {
        id = 0;
        return text is { Length: > 0 and <= 16 }
            && text.All(char.IsAsciiHexDigit)
            && long.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id)
            && id >= 0;
    }

    /// <summary><see cref="TryParseLenient"/> as a nullable: null when the text is not an id.</summary>
    public static long? ParseLenient(string? text) => TryParseLenient(text, out var id) ? id : null;

    /// <summary>The millisecond UNIX time an id was made at.</summary>
    public static long TimestampOf(long id) => id >> 10;
}
