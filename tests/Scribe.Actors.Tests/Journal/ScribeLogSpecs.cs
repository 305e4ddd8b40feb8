using Akka.Actor;
using Akka.Persistence;
using Scribe.Actors.Journal;
using Scribe.Actors.Stores;
using Xunit;

namespace Scribe.Actors.Tests.Journal;

/// <summary>
/// The journal-backed Scribe log against a real database: range rules, dedupe, batching,
/// deletion, uuids, and recovery after a restart (from a snapshot plus the events after it).
/// Each test gets an empty database; subclasses say which kind.
/// </summary>
public abstract class ScribeLogSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>An empty journal database for one test.</summary>
    protected abstract Task<ScribeJournalConfig> NewJournalAsync();

    protected static LogEntry Post(long id, string text = "hi", long? parent = null)
        => new(id, parent, 0x1000 + (id % 7), "nick" + (id % 7), text + " " + id);

    protected static ScribeLogSettings Snapshots(int every) => new()
    {
        MinSnapshotInterval = every,
        MaxSnapshotInterval = every,
        AskTimeout = Timeout,
    };

    [Fact]
    public async Task Ranges_follow_the_message_store_rules()
    {
        await using var node = LogNode.Start(await NewJournalAsync(), Snapshots(10_000));
        var log = node.Log;
        Assert.Null(await log.BoundsAsync());
        Assert.Empty(await log.RangeAsync(null, null, 10));

        await log.AppendAsync(Enumerable.Range(1, 10).Select(i => Post(i * 10)).ToList());

        Assert.Equal(new long[] { 30, 40, 50, 60 }, (await log.RangeAsync(30, 60, 2)).Select(e => e.Id));
        Assert.Equal(new long[] { 30, 40 }, (await log.RangeAsync(25, null, 2)).Select(e => e.Id));
        Assert.Equal(new long[] { 50, 60 }, (await log.RangeAsync(null, 65, 2)).Select(e => e.Id));
        Assert.Equal(new long[] { 90, 100 }, (await log.RangeAsync(null, null, 2)).Select(e => e.Id));
        Assert.Empty(await log.RangeAsync(61, 69, null));
        Assert.Equal(10, (await log.RangeAsync(null, null, null)).Count);
        Assert.Equal(new LogBounds(10, 100, 10), await log.BoundsAsync());
        Assert.Equal(Post(40), (await log.RangeAsync(40, 40, null)).Single());
    }

    [Fact]
    public async Task Appends_keep_the_first_copy_of_an_id_and_report_only_new_posts()
    {
        await using var node = LogNode.Start(await NewJournalAsync(), Snapshots(10_000));
        var log = node.Log;
        Assert.Equal(new long[] { 1, 2 }, (await log.AppendAsync([Post(2), Post(1)])).Select(e => e.Id));
        var added = await log.AppendAsync([Post(2, "again"), Post(3), Post(3, "twice in one call")]);

        Assert.Equal([Post(3)], added);
        Assert.Equal([Post(1), Post(2), Post(3)], await log.RangeAsync(null, null, null));
    }

    [Fact]
    public async Task Concurrent_appends_of_the_same_id_store_it_once()
    {
        await using var node = LogNode.Start(await NewJournalAsync(), Snapshots(10_000));
        var appends = Enumerable.Range(0, 40).Select(i => node.Log.AppendAsync([Post(1000 + (i % 10)), Post(5000 + i)])).ToList();
        var results = await Task.WhenAll(appends);

        Assert.Equal(50, results.Sum(r => r.Count));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 1000L + i), results.SelectMany(r => r).Select(p => p.Id).Where(id => id < 5000).Order());
        Assert.Equal(50, (await node.Log.BoundsAsync())!.Count);
    }

    [Fact]
    public async Task A_restart_recovers_from_the_newest_snapshot_and_the_events_after_it()
    {
        var journal = await NewJournalAsync();
        long snapshotAt = 0;
        await using (var first = LogNode.Start(journal, Snapshots(100)))
        {
            for (int batch = 0; batch < 25; batch++)
            {
                await first.Log.AppendAsync(Enumerable.Range(batch * 10 + 1, 10).Select(i => Post(i)).ToList());
            }

            // The snapshot store holds one snapshot (older ones are deleted), taken at least 100
            // events after the one before, or not at all while that one was still being saved:
            // under load the newest can be the first, at 100.
            var store = Persistence.Instance.Apply(first.System).SnapshotStoreFor(ScribeJournalConfig.SnapshotPluginId);
            await Eventually.AssertAsync(async () =>
            {
                var loaded = await store.Ask<LoadSnapshotResult>(
                    new LoadSnapshot(ScribeLogActor.PersistenceIdOf("test"), SnapshotSelectionCriteria.Latest, long.MaxValue), Timeout);
                snapshotAt = loaded.Snapshot?.Metadata.SequenceNr ?? 0;
                Assert.InRange(snapshotAt, 100, 250);
                Assert.Equal(snapshotAt, ((ScribeLogSnapshot)loaded.Snapshot!.Snapshot).Ids.Length);
                var older = await store.Ask<LoadSnapshotResult>(
                    new LoadSnapshot(ScribeLogActor.PersistenceIdOf("test"), new SnapshotSelectionCriteria(snapshotAt - 1), long.MaxValue), Timeout);
                Assert.Null(older.Snapshot);
            });
        }

        await using (var second = LogNode.Start(journal, Snapshots(100)))
        {
            Assert.Equal(new LogBounds(1, 250, 250), await second.Log.BoundsAsync());
            Assert.Equal(Enumerable.Range(1, 250).Select(i => Post(i)), await second.Log.RangeAsync(null, null, null));

            // The events the snapshot covers are no longer needed for recovery: remove them.
            var journalRef = Persistence.Instance.Apply(second.System).JournalFor(ScribeJournalConfig.JournalPluginId);
            long upTo = snapshotAt;
            var deleted = await second.System.ActorOf(Props.Create(() => new DeleteMessagesOnce(journalRef, ScribeLogActor.PersistenceIdOf("test"), upTo)))
                .Ask<DeleteMessagesSuccess>(DeleteMessagesOnce.Start.Instance, Timeout);
            Assert.Equal(snapshotAt, deleted.ToSequenceNr);
        }

        await using var third = LogNode.Start(journal, Snapshots(100));
        Assert.Equal(new LogBounds(1, 250, 250), await third.Log.BoundsAsync());
        Assert.Equal(Enumerable.Range((int)snapshotAt + 1, 250 - (int)snapshotAt).Select(i => Post(i)), await third.Log.RangeAsync(snapshotAt + 1, null, null));
    }

    [Fact]
    public async Task Older_history_merges_into_the_index_and_survives_a_restart()
    {
        var journal = await NewJournalAsync();
        await using (var first = LogNode.Start(journal, Snapshots(10_000)))
        {
            await first.Log.AppendAsync(Enumerable.Range(1001, 500).Select(i => Post(i)).ToList());
            // Pulled from a peer later: older posts, out of order, interleaved with known ones.
            var older = Enumerable.Range(1, 1200).Select(i => Post(1 + (i * 7919 % 1200))).ToList();
            var added = await first.Log.AppendAsync(older);
            Assert.Equal(1000, added.Count);
            Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), added.Select(p => p.Id));
            Assert.Equal(Enumerable.Range(991, 20).Select(i => Post(i)), await first.Log.RangeAsync(991, 1010, null));
        }

        await using var second = LogNode.Start(journal, Snapshots(10_000));
        Assert.Equal(new LogBounds(1, 1500, 1500), await second.Log.BoundsAsync());
        Assert.Equal(Enumerable.Range(1, 1500).Select(i => Post(i)), await second.Log.RangeAsync(null, null, null));
        Assert.Equal(Enumerable.Range(501, 1000).Select(i => Post(i)), await second.Log.RangeAsync(null, 1500, 1000));
    }

    [Fact]
    public async Task Deleted_posts_are_reported_with_their_content_and_stay_deleted()
    {
        var journal = await NewJournalAsync();
        await using (var first = LogNode.Start(journal, Snapshots(10_000)))
        {
            await first.Log.AppendAsync(Enumerable.Range(1, 5).Select(i => Post(i)).ToList());
            var removed = await first.Log.DeleteAsync([4, 2, 99]);
            Assert.Equal([Post(2), Post(4)], removed);
            Assert.Empty(await first.Log.DeleteAsync([2]));
            Assert.Equal(new long[] { 1, 3, 5 }, (await first.Log.RangeAsync(null, null, null)).Select(p => p.Id));
        }

        await using var second = LogNode.Start(journal, Snapshots(10_000));
        Assert.Equal(new LogBounds(1, 5, 3), await second.Log.BoundsAsync());
        // A deleted id may be stored again.
        Assert.Equal([Post(2, "back")], await second.Log.AppendAsync([Post(2, "back")]));
        Assert.Equal([Post(1), Post(2, "back"), Post(3)], await second.Log.RangeAsync(1, 3, null));
    }

    [Fact]
    public async Task Uuids_report_new_and_changed_mappings_and_survive_a_restart()
    {
        var journal = await NewJournalAsync();
        await using (var first = LogNode.Start(journal, Snapshots(2)))
        {
            Assert.Equal(new long[] { 5, 6 }, await first.Log.AddUuidsAsync(new Dictionary<long, string> { [6] = "u6", [5] = "u5" }));
            Assert.Empty(await first.Log.AddUuidsAsync(new Dictionary<long, string> { [5] = "u5" }));
            Assert.Equal(new long[] { 5 }, await first.Log.AddUuidsAsync(new Dictionary<long, string> { [5] = "u5b", [6] = "u6" }));
            await first.Log.AddUuidsAsync(new Dictionary<long, string> { [7] = "u7" });
        }

        await using var second = LogNode.Start(journal, Snapshots(2));
        var uuids = await second.Log.GetUuidsAsync([5, 6, 7, 8]);
        Assert.Equal(new Dictionary<long, string> { [5] = "u5b", [6] = "u6", [7] = "u7" }, uuids);
    }

    [Fact]
    public async Task A_thousand_post_reply_comes_back_whole_and_in_order()
    {
        await using var node = LogNode.Start(await NewJournalAsync(), Snapshots(10_000));
        for (int chunk = 0; chunk < 5; chunk++)
        {
            await node.Log.AppendAsync(Enumerable.Range(chunk * 1000 + 1, 1000).Select(i => Post(i, new string('x', i % 50))).ToList());
        }

        var reply = await node.Log.RangeAsync(null, 3500, 1000);
        Assert.Equal(Enumerable.Range(2501, 1000).Select(i => Post(i, new string('x', i % 50))), reply);
    }

    [Fact]
    public async Task The_journal_table_and_the_read_journal_give_the_same_posts()
    {
        var journal = await NewJournalAsync();
        await using (var writer = LogNode.Start(journal, Snapshots(10_000)))
        {
            await writer.Log.AppendAsync(Enumerable.Range(500, 300).Select(i => Post(i)).ToList());
            await writer.Log.AppendAsync(Enumerable.Range(1, 300).Select(i => Post(i * 2)).ToList());
            await writer.Log.DeleteAsync([100, 700]);
        }

        await using var table = LogNode.Start(journal, Snapshots(10_000));
        var fromTable = await table.Log.RangeAsync(null, null, null);
        await table.DisposeAsync();
        await using var query = LogNode.Start(journal, Snapshots(10_000), throughQuery: true);
        var fromQuery = await query.Log.RangeAsync(null, null, null);

        Assert.Equal(300 + 300 - 51 - 2, fromTable.Count);
        Assert.Equal(fromQuery, fromTable);
        Assert.Equal(fromTable.OrderBy(p => p.Id), fromTable);
        Assert.DoesNotContain(fromTable, p => p.Id is 100 or 700);
    }

    /// <summary>Asks the journal to delete events up to a sequence number and reports its answer.</summary>
    private sealed class DeleteMessagesOnce : ReceiveActor
    {
        public DeleteMessagesOnce(IActorRef journal, string persistenceId, long toSequenceNr)
        {
            IActorRef? asker = null;
            Receive<Start>(_ =>
            {
                asker = Sender;
                journal.Tell(new DeleteMessagesTo(persistenceId, toSequenceNr, Self));
            });
            Receive<DeleteMessagesSuccess>(success => asker!.Tell(success));
            Receive<DeleteMessagesFailure>(failure => asker!.Tell(new Status.Failure(failure.Cause)));
        }

        public sealed record Start
        {
            public static readonly Start Instance = new();
        }
    }
}
