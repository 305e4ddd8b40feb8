using Scribe.Actors.Stores;

namespace Scribe.Actors.Journal;

/// <summary>Stores posts; answered with <see cref="PostsAppended"/> once they are in the journal.</summary>
public sealed record AppendPosts(IReadOnlyCollection<LogEntry> Posts);

/// <summary>The posts of an <see cref="AppendPosts"/> that were new to the log, ascending by id.</summary>
public sealed record PostsAppended(IReadOnlyList<LogEntry> Added);

/// <summary>Records id → uuid mappings; answered with <see cref="UuidsChanged"/> once they are in the journal.</summary>
public sealed record RecordUuids(IReadOnlyDictionary<long, string> Uuids);

/// <summary>The ids whose mapping was new or changed.</summary>
public sealed record UuidsChanged(IReadOnlyList<long> Ids);

/// <summary>Removes posts; answered with <see cref="PostsRemoved"/> once the removal is in the journal.</summary>
public sealed record DeletePosts(IReadOnlyCollection<long> Ids);

/// <summary>The posts that were there, by id and the sequence number of their <see cref="PostStored"/> event.</summary>
public sealed record PostsRemoved(IReadOnlyList<long> Ids, IReadOnlyList<long> SequenceNrs);

/// <summary>Asks for the log's bounds; answered with <see cref="LogBoundsReply"/>.</summary>
public sealed record GetJournalBounds
{
    public static readonly GetJournalBounds Instance = new();
}

/// <summary>Oldest id, newest id and count, or null when the log is empty.</summary>
public sealed record LogBoundsReply(LogBounds? Bounds);

/// <summary>
/// Which posts a log request names (the range rules of <see cref="IMessageStore.Query"/>);
/// answered with <see cref="RangePlan"/>: where they are in the journal, not their content.
/// </summary>
public sealed record PlanRange(long? From, long? To, int? Amount);

/// <summary>The posts of a range, ascending by id, each with the sequence number of its event.</summary>
public sealed record RangePlan(long[] Ids, long[] SequenceNrs);

/// <summary>Asks for the uuids of participant ids; answered with <see cref="UuidsReply"/>.</summary>
public sealed record GetJournalUuids(IReadOnlyCollection<long> Ids);

/// <summary>The uuids of the asked ids that are known.</summary>
public sealed record UuidsReply(IReadOnlyDictionary<long, string> Uuids);
