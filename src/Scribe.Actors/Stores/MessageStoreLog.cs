using Akka.Actor;
using Scribe.Actors.Journal;

namespace Scribe.Actors.Stores;

/// <summary>
/// <see cref="IScribeLog"/> over a synchronous <see cref="IMessageStore"/> (the standalone
/// Scribe's SQLite <c>--msgdb</c>, memory, or none): every call is queued to a
/// <see cref="StoreWorkerActor"/> on the <see cref="StoreDispatcher"/> and completes when the
/// store has run it. A store exception (a <c>DbException</c>) faults the returned task.
/// </summary>
public sealed class MessageStoreLog : IScribeLog
{
    private readonly IActorRef _worker;

    public MessageStoreLog(IMessageStore store, IActorRefFactory factory, ActorSystem system)
    {
        Store = store;
        // Unnamed: a restarted owner opens a new worker while the old one's name may still be taken.
        _worker = factory.ActorOf(StoreWorkerActor.Props(store, system));
    }

    /// <summary>The store itself: only for its owner, once the worker has stopped.</summary>
    public IMessageStore Store { get; }

    public Task<IReadOnlyList<LogEntry>> AppendAsync(IReadOnlyCollection<LogEntry> posts, CancellationToken cancel = default)
        => Run(store => store.Add(posts));

    public Task<IReadOnlyList<long>> AddUuidsAsync(IReadOnlyDictionary<long, string> uuids, CancellationToken cancel = default)
        => Run(store => store.AddUuids(uuids));

    public Task<IReadOnlyDictionary<long, string>> GetUuidsAsync(IReadOnlyCollection<long> ids, CancellationToken cancel = default)
        => Run(store => store.GetUuids(ids));

    public Task<LogBounds?> BoundsAsync(CancellationToken cancel = default)
        => Run(store => store.Bounds());

    public Task<IReadOnlyList<LogEntry>> RangeAsync(long? from, long? to, int? amount, CancellationToken cancel = default)
        => Run(store => store.Query(from, to, amount));

    public Task<IReadOnlyList<LogEntry>> DeleteAsync(IReadOnlyCollection<long> ids, CancellationToken cancel = default)
        => Run(store => store.Delete(ids));

    private Task<T> Run<T>(Func<IMessageStore, T> call)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _worker.Tell(new StoreWork(store =>
        {
            try
            {
                done.SetResult(call(store));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }));
        return done.Task;
    }
}
