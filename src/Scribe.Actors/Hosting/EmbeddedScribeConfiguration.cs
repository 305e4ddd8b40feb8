using Instant.Actors.Configuration;
using System.Globalization;
using Scribe.Actors.Protocol;

namespace Scribe.Actors.Hosting;

/// <summary>
/// Which rooms get an embedded Scribe, from a server's configuration (Java-style properties):
/// <c>instant.scribe.rooms</c> (comma- or space-separated room names; none by default),
/// <c>instant.scribe.directory</c> (per-room databases <c>ROOM.sqlite</c>, default <c>scribe</c>),
/// <c>instant.scribe.maxlen</c> (cap of each log reply), <c>instant.scribe.nick</c> (default
/// <c>Scribe</c>), <c>instant.scribe.logfiles</c> (<c>true</c>: also write <c>ROOM.log</c>).
/// </summary>
public sealed record EmbeddedScribeConfiguration(
    IReadOnlyList<string> Rooms, string Directory, int? MaxLength, string Nick, bool WriteLogfiles)
{
    /// <summary>Reads the settings; throws <see cref="FormatException"/> naming the bad key.</summary>
    public static EmbeddedScribeConfiguration From(Func<string, string?> setting)
    {
        var rooms = (setting("instant.scribe.rooms") ?? string.Empty)
            .Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var room in rooms)
        {
            if (!Instant.Actors.Rooms.RoomNames.IsValid(room))
            {
                throw new FormatException($"instant.scribe.rooms: '{room}' is not a room name");
            }
        }

        int? maxLength = null;
        if (setting("instant.scribe.maxlen") is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            {
                throw new FormatException($"instant.scribe.maxlen: '{text}' is not a positive integer");
            }

            maxLength = value;
        }

        bool logfiles = setting("instant.scribe.logfiles") is { Length: > 0 } flag && ConfigBoolean.Parse("instant.scribe.logfiles", flag);

        return new EmbeddedScribeConfiguration(
            rooms,
            setting("instant.scribe.directory") is { Length: > 0 } directory ? directory : "scribe",
            maxLength,
            setting("instant.scribe.nick") ?? "Scribe",
            logfiles);
    }

    public ScribeSettings Settings => new() { Nick = Nick, MaxLength = MaxLength };
}
