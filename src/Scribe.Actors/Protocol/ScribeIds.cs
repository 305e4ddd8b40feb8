using System.Globalization;

namespace Scribe.Actors.Protocol;

/// <summary>Ids on the wire: 16 upper-case hex digits. Parsing is lenient about case and leading zeros, strict about anything else.</summary>
public static class ScribeIds
{
    public static string Format(long id) => id.ToString("X16", CultureInfo.InvariantCulture);

    public static string? Format(long? id) => id is { } value ? Format(value) : null;

    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        return text is { Length: > 0 and <= 16 }
            && text.All(char.IsAsciiHexDigit)
            && long.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id)
            && id >= 0;
    }

    public static long? Parse(string? text) => TryParse(text, out var id) ? id : null;
}
