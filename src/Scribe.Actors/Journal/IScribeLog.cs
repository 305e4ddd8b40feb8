using Scribe.Actors.Stores;

namespace Scribe.Actors.Journal;

/// <summary>
/// A room's Scribe log, asynchronous: what <see cref="IMessageStore"/> offers, for a store whose
/// writes go to a journal and whose reads are streamed back from it. Safe to call from any thread.
/// </summary>
public interface IScribeLog
{
    /// <summary>Stores posts; returns those that were new (an id already held keeps its first copy), in id order.</summary>
    Task<IReadOnlyList<LogEntry>> AppendAsync(IReadOnlyCollection<LogEntry> posts, CancellationToken cancel = default);

    /// <summary>Adds id → uuid mappings; returns the ids whose mapping was new or changed.</summary>
    Task<IReadOnlyList<long>> AddUuidsAsync(IReadOnlyDictionary<long, string> uuids, CancellationToken cancel = default);

    /// <summary>The uuids of the given participant ids (those known).</summary>
    Task<IReadOnlyDictionary<long, string>> GetUuidsAsync(IReadOnlyCollection<long> ids, CancellationToken cancel = default);

    /// <summary>Oldest id, newest id and count, or null when there are no posts.</summary>
    Task<LogBounds?> BoundsAsync(CancellationToken cancel = default);

    /// <summary>Posts in ascending id order, by the range rules of <see cref="IMessageStore.Query"/>.</summary>
    Task<IReadOnlyList<LogEntry>> RangeAsync(long? from, long? to, int? amount, CancellationToken cancel = default);

    /// <summary>Removes posts; returns the ones that were there.</summary>
    Task<IReadOnlyList<LogEntry>> DeleteAsync(IReadOnlyCollection<long> ids, CancellationToken cancel = default);
}
