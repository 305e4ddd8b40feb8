using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Instant.Actors.Connections;

/// <summary>
/// The mailbox of connection actors. Akka's default queue starts with a 32-slot segment
/// (about 1 KB) per actor; a server holding tens of thousands of mostly idle connections
/// pays that for nothing. This queue starts empty and gives back what a burst grew.
/// </summary>
public sealed class CompactMailbox : MailboxType, IProducesMessageQueue<CompactMessageQueue>
{
    /// <summary>The HOCON path under which hocon/instant.hocon declares this mailbox.</summary>
    public const string ConfigPath = "instant.connection-mailbox";

    public CompactMailbox(Settings settings, Config config)
        : base(settings, config)
    {
    }

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactMessageQueue();
}

/// <summary>An unbounded FIFO behind a lock, starting with no storage at all.</summary>
public sealed class CompactMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    // A queue that grew past this in a burst is shrunk once it has drained.
    private const int TrimAbove = 64;
    private readonly Queue<Envelope> _queue = new();
    private int _peak;

    public bool HasMessages
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count > 0;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_queue)
        {
            _queue.Enqueue(envelope);
            _peak = Math.Max(_peak, _queue.Count);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_queue)
        {
            if (!_queue.TryDequeue(out envelope))
            {
                return false;
            }

            if (_queue.Count == 0 && _peak > TrimAbove)
            {
                _queue.TrimExcess();
                _peak = 0;
            }

            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }
}
