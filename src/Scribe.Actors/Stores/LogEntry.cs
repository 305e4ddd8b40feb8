namespace Scribe.Actors.Stores;

/// <summary>
/// One post as Scribe keeps it. Ids are the server's 64-bit ids (16 upper-case hex digits on
/// the wire); the timestamp is not stored by SQLite, it is derived from the id (<c>id &gt;&gt; 10</c>).
/// </summary>
public sealed record LogEntry(long Id, long? Parent, long? Sender, string? Nick, string? Text)
{
    /// <summary>Milliseconds since the UNIX epoch, as encoded in the id.</summary>
    public long Timestamp => Id >> 10;
}

/// <summary>The oldest and newest id held and how many posts there are; null when empty.</summary>
public sealed record LogBounds(long From, long To, long Count);
