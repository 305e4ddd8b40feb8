using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Scribe.Actors.Tests.Journal;

/// <summary>
/// An in-memory journal that tells the event stream how many events each write carried, and
/// holds every recovery until it receives <see cref="ReleaseRecovery"/>, so a spec can queue
/// commands behind a recovering actor and see how they are written.
/// </summary>
public sealed class CountingJournal : MemoryJournal
{
    public const string Hocon = """
        akka.persistence.journal.counting {
          class = "Scribe.Actors.Tests.Journal.CountingJournal, Scribe.Actors.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """;

    public const string PluginId = "akka.persistence.journal.counting";

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        await _released.Task.WaitAsync(cancellationToken);
        return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        Context.System.EventStream.Publish(new JournalWrite(writes.Sum(w => ((IImmutableList<IPersistentRepresentation>)w.Payload).Count)));
        return base.WriteMessagesAsync(writes, cancellationToken);
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is ReleaseRecovery)
        {
            _released.TrySetResult();
            return true;
        }

        return base.ReceivePluginInternal(message);
    }

    /// <summary>One call of the journal's write: how many events it stored.</summary>
    public sealed record JournalWrite(int Events);

    public sealed record ReleaseRecovery
    {
        public static readonly ReleaseRecovery Instance = new();
    }
}
