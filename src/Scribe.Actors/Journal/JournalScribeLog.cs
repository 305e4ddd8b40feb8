using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Journal;

/// <summary>
/// <see cref="IScribeLog"/> over a <see cref="ScribeLogActor"/> and the journal's read side. A
/// range is planned by the actor (which sequence numbers hold the posts, from its index) and
/// then streamed from the journal (an <see cref="IJournalEventReader"/>: the journal table
/// itself, or <c>CurrentEventsByPersistenceId</c> of the read journal), outside the actor, so a
/// long read never holds up writes. Posts stored in id order sit at consecutive sequence
/// numbers and come back in one query; history merged in later is read in a few runs.
/// </summary>
public sealed class JournalScribeLog : IScribeLog
{
    // Sequence numbers this close together are read in one query (reading a few unwanted events
    // is cheaper than another round trip).
    private const long RunGap = 64;

    private readonly IActorRef _log;
    private readonly string _persistenceId;
    private readonly IJournalEventReader _reader;
    private readonly IMaterializer _materializer;
    private readonly TimeSpan _timeout;

    public JournalScribeLog(ActorSystem system, IActorRef log, string room, ScribeLogSettings settings, IJournalEventReader reader)
    {
        _log = log;
        _persistenceId = ScribeLogActor.PersistenceIdOf(room);
        _reader = reader;
        _materializer = system.Materializer();
        _timeout = settings.AskTimeout;
    }

    /// <summary>
    /// Starts a room's log actor under <paramref name="factory"/> and wraps it; ranges are read
    /// from the journal's table (<see cref="SqlTableEventReader"/>).
    /// </summary>
    public static JournalScribeLog Start(ActorSystem system, IActorRefFactory factory, string room, ScribeJournalConfig journal, ScribeLogSettings? settings = null)
        => Start(system, factory, room, new SqlTableEventReader(system, journal), settings);

    /// <summary>As above, reading ranges through <paramref name="reader"/>.</summary>
    public static JournalScribeLog Start(ActorSystem system, IActorRefFactory factory, string room, IJournalEventReader reader, ScribeLogSettings? settings = null)
    {
        settings ??= new ScribeLogSettings();
        var actor = factory.ActorOf(ScribeLogActor.Props(room, settings), ScribeLogActor.PersistenceIdOf(room));
        return new JournalScribeLog(system, actor, room, settings, reader);
    }

    public IActorRef Actor => _log;

    public async Task<IReadOnlyList<LogEntry>> AppendAsync(IReadOnlyCollection<LogEntry> posts, CancellationToken cancel = default)
        => (await _log.Ask<PostsAppended>(new AppendPosts(posts), _timeout, cancel)).Added;

    public async Task<IReadOnlyList<long>> AddUuidsAsync(IReadOnlyDictionary<long, string> uuids, CancellationToken cancel = default)
        => (await _log.Ask<UuidsChanged>(new RecordUuids(uuids), _timeout, cancel)).Ids;

    public async Task<IReadOnlyDictionary<long, string>> GetUuidsAsync(IReadOnlyCollection<long> ids, CancellationToken cancel = default)
        => (await _log.Ask<UuidsReply>(new GetJournalUuids(ids), _timeout, cancel)).Uuids;

    public async Task<LogBounds?> BoundsAsync(CancellationToken cancel = default)
        => (await _log.Ask<LogBoundsReply>(GetJournalBounds.Instance, _timeout, cancel)).Bounds;

    public async Task<IReadOnlyList<LogEntry>> RangeAsync(long? from, long? to, int? amount, CancellationToken cancel = default)
    {
        var plan = await _log.Ask<RangePlan>(new PlanRange(from, to, amount), _timeout, cancel);
        var posts = await ReadAsync(plan.SequenceNrs, cancel);
        var result = new List<LogEntry>(plan.Ids.Length);
        foreach (long sequenceNr in plan.SequenceNrs)
        {
            if (posts.TryGetValue(sequenceNr, out var post))
            {
                result.Add(post);
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<LogEntry>> DeleteAsync(IReadOnlyCollection<long> ids, CancellationToken cancel = default)
    {
        var removed = await _log.Ask<PostsRemoved>(new DeletePosts(ids), _timeout, cancel);
        // The removed posts' events are still in the journal: read them back to report them.
        var posts = await ReadAsync([.. removed.SequenceNrs], cancel);
        return removed.SequenceNrs.Where(posts.ContainsKey).Select(s => posts[s]).OrderBy(p => p.Id).ToList();
    }

    /// <summary>
    /// The <see cref="PostStored"/> events at the given sequence numbers, read in runs of nearby
    /// sequence numbers, one query a run.
    /// </summary>
    private async Task<Dictionary<long, LogEntry>> ReadAsync(long[] sequenceNrs, CancellationToken cancel)
    {
        var result = new Dictionary<long, LogEntry>(sequenceNrs.Length);
        if (sequenceNrs.Length == 0)
        {
            return result;
        }

        var wanted = new HashSet<long>(sequenceNrs);
        var runs = Runs(sequenceNrs);
        var read = Source.From(runs)
            .ConcatMany(run => _reader.Events(_persistenceId, run.From, run.To))
            .Where(stored => wanted.Contains(stored.SequenceNr) && stored.Event is PostStored)
            .RunForeach(stored => result[stored.SequenceNr] = ((PostStored)stored.Event).Post, _materializer);
        await read.WaitAsync(_timeout, cancel);
        return result;
    }

    private static List<(long From, long To)> Runs(long[] sequenceNrs)
    {
        var sorted = (long[])sequenceNrs.Clone();
        Array.Sort(sorted);
        var runs = new List<(long From, long To)>();
        long from = sorted[0], to = sorted[0];
        foreach (long s in sorted.AsSpan(1))
        {
            if (s - to > RunGap)
            {
                runs.Add((from, to));
                from = s;
            }

            to = s;
        }

        runs.Add((from, to));
        return runs;
    }
}
