using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Journal;

/// <summary>
/// A room's Scribe log as an Akka.Persistence actor (persistence id <c>scribe-ROOM</c>): every
/// stored post is a <see cref="PostStored"/> event. It holds only an index (post id → sequence
/// number) and the uuid map; the posts themselves stay in the journal and are read from there
/// (<see cref="JournalScribeLog"/>). Appends that reach the mailbox together are written as one
/// batch (<c>PersistAllAsync</c>) and answered once the journal has them; an id already held or
/// already on its way is dropped (the first copy is kept). The index is snapshotted every
/// <see cref="ScribeLogSettings.SnapshotInterval"/> events, so recovery loads one snapshot and
/// replays a bounded tail.
/// </summary>
public sealed class ScribeLogActor : ReceivePersistentActor
{
    // Replayed posts are merged into the index in batches: old history replayed one post at a
    // time would cost a copy of the index each.
    private const int ReplayMergeBatch = 50_000;

    private readonly ScribeLogSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, string> _uuids = new();
    private readonly HashSet<long> _pending = new();
    private readonly List<(long Id, long SequenceNr)> _unindexed = new();
    private readonly List<(IActorRef ReplyTo, List<LogEntry> Added)> _burst = new();
    private readonly Dictionary<long, IActorRef> _awaiting = new();
    private readonly Stopwatch _recovery = Stopwatch.StartNew();
    private PostIndex _index = new();
    private long _nextWrite;
    private bool _flushScheduled;
    private long _eventsSinceSnapshot;
    private long _snapshotSequenceNr;
    private bool _snapshotSaving;

    public ScribeLogActor(string room, ScribeLogSettings settings)
    {
        PersistenceId = PersistenceIdOf(room);
        _settings = settings;
        JournalPluginId = settings.JournalPluginId;
        SnapshotPluginId = settings.SnapshotPluginId;

        Recover<SnapshotOffer>(OnSnapshotOffer);
        Recover<PostStored>(e =>
        {
            _unindexed.Add((e.Post.Id, LastSequenceNr));
            _eventsSinceSnapshot++;
            if (_unindexed.Count >= ReplayMergeBatch)
            {
                ApplyUnindexed();
            }
        });
        Recover<UuidsRecorded>(e =>
        {
            ApplyUuids(e);
            _eventsSinceSnapshot++;
        });
        Recover<PostsDeleted>(e =>
        {
            ApplyDelete(e);
            _eventsSinceSnapshot++;
        });
        Recover<RecoveryCompleted>(_ =>
        {
            ApplyUnindexed();
            _log.Info("Scribe log {0}: {1} posts recovered in {2} ms (snapshot at {3}, {4} events replayed)",
                PersistenceId, _index.Count, _recovery.ElapsedMilliseconds, _snapshotSequenceNr, _eventsSinceSnapshot);
            MaybeSnapshot();
        });

        Command<AppendPosts>(OnAppend);
        Command<FlushBurst>(_ => Flush());
        Command<RecordUuids>(OnRecordUuids);
        Command<DeletePosts>(OnDelete);
        Command<GetJournalBounds>(_ => Sender.Tell(new LogBoundsReply(
            _index.Count == 0 ? null : new LogBounds(_index.FirstId, _index.LastId, _index.Count))));
        Command<PlanRange>(OnPlanRange);
        Command<GetJournalUuids>(query =>
        {
            var found = new Dictionary<long, string>();
            foreach (long id in query.Ids)
            {
                if (_uuids.TryGetValue(id, out var uuid))
                {
                    found[id] = uuid;
                }
            }

            Sender.Tell(new UuidsReply(found));
        });
        Command<SaveSnapshotSuccess>(success =>
        {
            _snapshotSaving = false;
            _snapshotSequenceNr = success.Metadata.SequenceNr;
            // Only the newest snapshot is ever loaded; the older ones are megabytes each.
            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failure =>
        {
            _snapshotSaving = false;
            _log.Warning(failure.Cause, "Scribe log {0}: snapshot at {1} failed; recovery replays more until the next one",
                PersistenceId, failure.Metadata.SequenceNr);
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure =>
            _log.Warning(failure.Cause, "Scribe log {0}: old snapshots could not be deleted", PersistenceId));
    }

    public override string PersistenceId { get; }

    public static string PersistenceIdOf(string room) => "scribe-" + room;

    public static Props Props(string room, ScribeLogSettings settings)
        => Akka.Actor.Props.Create(() => new ScribeLogActor(room, settings));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        FailAwaiting(cause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        FailAwaiting(cause);
        // The batch's later handlers would report posts that are not stored: start over from
        // the journal instead.
        throw new InvalidOperationException($"the journal rejected an event of {PersistenceId}", cause);
    }

    private void OnSnapshotOffer(SnapshotOffer offer)
    {
        if (offer.Snapshot is not ScribeLogSnapshot snapshot)
        {
            return;
        }

        _index = PostIndex.From(snapshot.Ids, snapshot.SequenceNrs);
        _uuids.Clear();
        foreach (var (user, uuid) in snapshot.Uuids)
        {
            _uuids[user] = uuid;
        }

        _snapshotSequenceNr = offer.Metadata.SequenceNr;
    }

    private void OnAppend(AppendPosts append)
    {
        var fresh = new List<LogEntry>();
        foreach (var post in append.Posts)
        {
            if (!_index.Contains(post.Id) && _pending.Add(post.Id))
            {
                fresh.Add(post);
            }
        }

        fresh.Sort((a, b) => a.Id.CompareTo(b.Id));
        _burst.Add((Sender, fresh));
        if (!_flushScheduled)
        {
            // Goes behind every append already in the mailbox: they all join this batch.
            _flushScheduled = true;
            Self.Tell(FlushBurst.Instance);
        }
    }

    private void Flush()
    {
        _flushScheduled = false;
        if (_burst.Count == 0)
        {
            return;
        }

        var burst = _burst.ToArray();
        _burst.Clear();
        var events = new List<PostStored>();
        foreach (var (_, added) in burst)
        {
            events.AddRange(added.Select(post => new PostStored(post)));
        }

        var writes = burst.Select(b => Await(b.ReplyTo)).ToArray();
        if (events.Count > 0)
        {
            PersistAllAsync(events, e => _unindexed.Add((e.Post.Id, LastSequenceNr)));
        }

        DeferAsync(events.Count, count =>
        {
            ApplyUnindexed();
            _eventsSinceSnapshot += count;
            for (int i = 0; i < burst.Length; i++)
            {
                Reply(writes[i], new PostsAppended(burst[i].Added));
            }

            MaybeSnapshot();
        });
    }

    private void OnRecordUuids(RecordUuids record)
    {
        Flush();
        var changed = new Dictionary<long, string>();
        foreach (var (user, uuid) in record.Uuids)
        {
            if (!_uuids.TryGetValue(user, out var old) || old != uuid)
            {
                changed[user] = uuid;
            }
        }

        if (changed.Count == 0)
        {
            Sender.Tell(new UuidsChanged([]));
            return;
        }

        long write = Await(Sender);
        PersistAsync(new UuidsRecorded(changed), e =>
        {
            ApplyUuids(e);
            _eventsSinceSnapshot++;
            Reply(write, new UuidsChanged(e.Uuids.Keys.Order().ToList()));
            MaybeSnapshot();
        });
    }

    private void OnDelete(DeletePosts delete)
    {
        Flush();
        var ids = delete.Ids.Distinct().Where(id => _index.Contains(id) || _pending.Contains(id)).ToList();
        if (ids.Count == 0)
        {
            Sender.Tell(new PostsRemoved([], []));
            return;
        }

        long write = Await(Sender);
        PersistAsync(new PostsDeleted(ids), e =>
        {
            var removed = ApplyDelete(e);
            _eventsSinceSnapshot++;
            Reply(write, removed);
            MaybeSnapshot();
        });
    }

    private void OnPlanRange(PlanRange plan)
    {
        var (start, end) = _index.Select(plan.From, plan.To, plan.Amount);
        var ids = new long[end - start];
        var sequenceNrs = new long[ids.Length];
        for (int i = start; i < end; i++)
        {
            ids[i - start] = _index.IdAt(i);
            sequenceNrs[i - start] = _index.SequenceNrAt(i);
        }

        Sender.Tell(new RangePlan(ids, sequenceNrs));
    }

    private void ApplyUnindexed()
    {
        if (_unindexed.Count == 0)
        {
            return;
        }

        _index.AddRange(_unindexed);
        foreach (var (id, _) in _unindexed)
        {
            _pending.Remove(id);
        }

        _unindexed.Clear();
    }

    private void ApplyUuids(UuidsRecorded recorded)
    {
        foreach (var (user, uuid) in recorded.Uuids)
        {
            _uuids[user] = uuid;
        }
    }

    private PostsRemoved ApplyDelete(PostsDeleted deleted)
    {
        ApplyUnindexed();
        var ids = new List<long>();
        var sequenceNrs = new List<long>();
        foreach (long id in deleted.Ids)
        {
            if (_index.Remove(id) is { } sequenceNr)
            {
                ids.Add(id);
                sequenceNrs.Add(sequenceNr);
            }
        }

        return new PostsRemoved(ids, sequenceNrs);
    }

    // Called only where the state holds every event up to LastSequenceNr, which is the
    // sequence number the snapshot is saved at.
    private void MaybeSnapshot()
    {
        if (_snapshotSaving || _eventsSinceSnapshot < _settings.SnapshotInterval(_index.Count))
        {
            return;
        }

        var (ids, sequenceNrs) = _index.Copy();
        SaveSnapshot(new ScribeLogSnapshot(ids, sequenceNrs, new Dictionary<long, string>(_uuids)));
        _snapshotSaving = true;
        _eventsSinceSnapshot = 0;
    }

    private long Await(IActorRef replyTo)
    {
        long write = _nextWrite++;
        _awaiting[write] = replyTo;
        return write;
    }

    private void Reply(long write, object reply)
    {
        if (_awaiting.Remove(write, out var replyTo))
        {
            replyTo.Tell(reply);
        }
    }

    // Everyone waiting for a write, including appends not yet handed to the journal.
    private void FailAwaiting(Exception cause)
    {
        foreach (var replyTo in _awaiting.Values.Concat(_burst.Select(b => b.ReplyTo)))
        {
            replyTo.Tell(new Status.Failure(cause));
        }

        _awaiting.Clear();
        _burst.Clear();
    }

    private sealed record FlushBurst
    {
        public static readonly FlushBurst Instance = new();
    }
}
