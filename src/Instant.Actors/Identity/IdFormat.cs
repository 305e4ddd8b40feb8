using System.Globalization;

namespace Instant.Actors.Identity;

/// <summary>Ids on the wire: a 64-bit number as 16 upper-case hex digits.</summary>
public static class IdFormat
{
    public static string ToHex(long id) => id.ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>Parses exactly 16 hex digits (either case); anything else is not an id.</summary>
    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        return text is { Length: 16 }
            && long.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id);
    }

    /// <summary>The millisecond UNIX time an id was made at.</summary>
    public static long TimestampOf(long id) => id >> 10;
}
