using Scribe.Actors.Stores;

namespace Scribe.Actors.Journal;

/// <summary>
/// Everything a Scribe log writes to its journal or snapshot store; bound to
/// <see cref="ScribeJournalSerializer"/>, so the stored bytes never depend on a general-purpose
/// serializer's choices.
/// </summary>
public interface IScribeJournalMessage;

/// <summary>One stored post: an event per post, its sequence number is where the index points.</summary>
public sealed record PostStored(LogEntry Post) : IScribeJournalMessage;

/// <summary>Participant id → uuid mappings that were new or changed.</summary>
public sealed record UuidsRecorded(IReadOnlyDictionary<long, string> Uuids) : IScribeJournalMessage;

/// <summary>Posts removed (log deletion); their <see cref="PostStored"/> events stay in the journal, unreferenced.</summary>
public sealed record PostsDeleted(IReadOnlyList<long> Ids) : IScribeJournalMessage;

/// <summary>
/// The whole state of a Scribe log at one sequence number: the index (post ids ascending, each
/// with the sequence number of its <see cref="PostStored"/>) and the uuid map. Recovery loads the
/// newest one and replays only the events after it.
/// </summary>
public sealed record ScribeLogSnapshot(long[] Ids, long[] SequenceNrs, IReadOnlyDictionary<long, string> Uuids) : IScribeJournalMessage;
