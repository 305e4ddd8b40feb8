namespace Scribe.Actors.Stores;

/// <summary>
/// Where Scribe keeps posts and the participant-id → UUID map. Implementations: none
/// (<c>--no-msgdb</c>), an in-memory list capped at <c>--maxlen</c>, and SQLite (file or
/// <c>:memory:</c>). Not thread-safe: one actor owns a store.
/// </summary>
public interface IMessageStore : IDisposable
{
    /// <summary>How many posts the store keeps at most, or null for unbounded.</summary>
    int? Capacity { get; }

    /// <summary>
    /// Adds posts; returns those that were new to the store, in id order. Whether an existing
    /// id is overwritten is the backend's choice (SQLite replaces, the list keeps the first copy),
    /// as in the original.
    /// </summary>
    IReadOnlyList<LogEntry> Add(IReadOnlyCollection<LogEntry> entries);

    /// <summary>Adds id → uuid mappings; returns the ids whose mapping was new or changed.</summary>
    IReadOnlyList<long> AddUuids(IReadOnlyDictionary<long, string> uuids);

    /// <summary>
    /// Posts in ascending id order: both bounds → the last <paramref name="amount"/> posts of the
    /// inclusive range; from only → the first amount posts ≥ from; to only → the last amount
    /// posts ≤ to; neither → the last amount posts. A null amount means no limit. The amount
    /// bounds what is read, not only what is returned.
    /// </summary>
    IReadOnlyList<LogEntry> Query(long? from, long? to, int? amount);

    /// <summary>The uuids of the given participant ids (those known).</summary>
    IReadOnlyDictionary<long, string> GetUuids(IEnumerable<long> ids);

    /// <summary>Removes posts; returns the ones that were there.</summary>
    IReadOnlyList<LogEntry> Delete(IReadOnlyCollection<long> ids);

    /// <summary>Oldest id, newest id and count, or null when there are no posts.</summary>
    LogBounds? Bounds();

    /// <summary>Every post, in id order (for --push-logs).</summary>
    IEnumerable<LogEntry> All();
}
