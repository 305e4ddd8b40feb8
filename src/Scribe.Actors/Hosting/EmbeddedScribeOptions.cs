using Scribe.Actors.Protocol;

namespace Scribe.Actors.Hosting;

/// <summary>An embedded Scribe: which room, where its posts live, and how it behaves.</summary>
public sealed record EmbeddedScribeOptions
{
    /// <summary>The room to attach to.</summary>
    public required string Room { get; init; }

    /// <summary>SQLite file (or <c>:memory:</c>); null keeps posts in memory capped at <see cref="ScribeSettings.MaxLength"/>.</summary>
    public string? MessageDb { get; init; }

    /// <summary>
    /// The room's Akka.Persistence journal to store posts in (persistence id <c>scribe-ROOM</c>);
    /// when set, <see cref="MessageDb"/>, <see cref="NoMessageDb"/> and <see cref="ReadFile"/> are not used.
    /// </summary>
    public Journal.ScribeJournalConfig? Journal { get; init; }

    /// <summary>Store nothing (<c>--no-msgdb</c>).</summary>
    public bool NoMessageDb { get; init; }

    /// <summary>The machine-readable logfile; null writes none.</summary>
    public string? LogFile { get; init; }

    /// <summary>Rotation pattern of the logfile (<c>--logrotate</c>).</summary>
    public string? LogRotate { get; init; }

    /// <summary>A logfile to read into the store first (<c>--read-file</c>), and its rotation.</summary>
    public string? ReadFile { get; init; }

    public string? ReadRotate { get; init; }

    /// <summary>The identity UUID the Scribe shows; null takes a fresh one per process, kept across reconnects.</summary>
    public string? Uuid { get; init; }

    /// <summary>Nick, maxlen, pulling and the rest, as for the standalone client.</summary>
    public ScribeSettings Settings { get; init; } = new();

    /// <summary>Pause before re-attaching after the connection ended without Scribe asking.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);
}
