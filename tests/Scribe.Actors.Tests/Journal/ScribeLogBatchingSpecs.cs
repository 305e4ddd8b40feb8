using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Scribe.Actors.Journal;
using Scribe.Actors.Stores;
using Xunit;

namespace Scribe.Actors.Tests.Journal;

/// <summary>
/// How the Scribe log writes, on in-memory journals: a mailbox burst of appends becomes one
/// journal write, and a journal that fails or rejects a write is reported to the caller
/// (Akka.Persistence.TestKit's test journal) instead of leaving it waiting.
/// </summary>
public sealed class ScribeLogBatchingSpecs : Akka.TestKit.Xunit2.TestKit
{
    private const string TestJournalId = "akka.persistence.journal.test";
    private const string TestSnapshotStoreId = "akka.persistence.snapshot-store.test";

    private static readonly Config Setup = ConfigurationFactory.ParseString(
        CountingJournal.Hocon + $$"""

        {{TestJournalId}} {
          class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        {{TestSnapshotStoreId}} {
          class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.loglevel = WARNING
        """ + "\n" + ScribeJournalConfig.SerializationHocon);

    public ScribeLogBatchingSpecs()
        : base(Setup)
    {
    }

    private static LogEntry Post(long id) => new(id, null, 7, "n", "post " + id);

    private static ScribeLogSettings On(string journal) => new()
    {
        JournalPluginId = journal,
        SnapshotPluginId = TestSnapshotStoreId,
        MinSnapshotInterval = 1_000_000,
        MaxSnapshotInterval = 1_000_000,
    };

    [Fact]
    public void Appends_waiting_in_the_mailbox_are_written_as_one_batch()
    {
        var writes = CreateTestProbe();
        Sys.EventStream.Subscribe(writes.Ref, typeof(CountingJournal.JournalWrite));
        var log = Sys.ActorOf(ScribeLogActor.Props("burst", On(CountingJournal.PluginId)));

        // The journal holds the recovery, so all 200 appends queue up behind it.
        for (int i = 1; i <= 200; i++)
        {
            log.Tell(new AppendPosts([Post(i), Post(i)]));
        }

        Persistence.Instance.Apply(Sys).JournalFor(CountingJournal.PluginId).Tell(CountingJournal.ReleaseRecovery.Instance);
        for (int i = 1; i <= 200; i++)
        {
            Assert.Equal([Post(i)], ExpectMsg<PostsAppended>(TimeSpan.FromSeconds(20)).Added);
        }

        Assert.Equal(200, writes.ExpectMsg<CountingJournal.JournalWrite>().Events);
        writes.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Alone in the mailbox, an append is a batch of its own.
        log.Tell(new AppendPosts([Post(201)]));
        ExpectMsg<PostsAppended>();
        Assert.Equal(1, writes.ExpectMsg<CountingJournal.JournalWrite>().Events);
    }

    [Fact]
    public async Task A_failed_write_fails_the_waiting_append_and_stops_the_log()
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(TestJournalId));
        var log = Sys.ActorOf(ScribeLogActor.Props("failing", On(TestJournalId)));
        Watch(log);
        Assert.Equal([Post(1)], (await log.Ask<PostsAppended>(new AppendPosts([Post(1)]), RemainingOrDefault)).Added);

        await journal.OnWrite.Fail();
        // The journal's own failure, not a timeout of the ask.
        await Assert.ThrowsAsync<TestJournalFailureException>(() => log.Ask<PostsAppended>(new AppendPosts([Post(2)]), RemainingOrDefault));
        ExpectTerminated(log);
    }

    [Fact]
    public async Task A_rejected_write_fails_the_waiting_append_and_the_log_recovers_without_it()
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(TestJournalId));
        var log = Sys.ActorOf(ScribeLogActor.Props("rejecting", On(TestJournalId)));
        await log.Ask<PostsAppended>(new AppendPosts([Post(1)]), RemainingOrDefault);

        await journal.OnWrite.Reject();
        await Assert.ThrowsAsync<TestJournalRejectionException>(() => log.Ask<PostsAppended>(new AppendPosts([Post(2)]), RemainingOrDefault));

        await journal.OnWrite.Pass();
        await AwaitAssertAsync(async () =>
            Assert.Equal([Post(3)], (await log.Ask<PostsAppended>(new AppendPosts([Post(3)]), TimeSpan.FromSeconds(1))).Added));
        Assert.Equal(new LogBounds(1, 3, 2), (await log.Ask<LogBoundsReply>(GetJournalBounds.Instance, RemainingOrDefault)).Bounds);
    }
}
