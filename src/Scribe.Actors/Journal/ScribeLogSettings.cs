namespace Scribe.Actors.Journal;

/// <summary>
/// How a room's Scribe log uses the journal: which Akka.Persistence plugins (by config path),
/// and how often it snapshots its index. The interval grows with the log (a twentieth of its
/// posts) between the two bounds, so recovery replays at most <see cref="MaxSnapshotInterval"/>
/// events while a large log does not rewrite its index too often.
/// </summary>
public sealed record ScribeLogSettings
{
    public string JournalPluginId { get; init; } = ScribeJournalConfig.JournalPluginId;

    public string SnapshotPluginId { get; init; } = ScribeJournalConfig.SnapshotPluginId;

    public string ReadJournalPluginId { get; init; } = ScribeJournalConfig.ReadJournalPluginId;

    /// <summary>Events between snapshots while the log is small.</summary>
    public int MinSnapshotInterval { get; init; } = 10_000;

    /// <summary>Events between snapshots at most, whatever the log's size.</summary>
    public int MaxSnapshotInterval { get; init; } = 50_000;

    /// <summary>How long a caller waits for the log to answer (a write waits for the journal).</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int SnapshotInterval(int posts) => Math.Clamp(posts / 20, MinSnapshotInterval, Math.Max(MinSnapshotInterval, MaxSnapshotInterval));
}
