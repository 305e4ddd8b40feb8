using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Instant.Actors.Cluster;
using Instant.Actors.Diagnostics;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Instant.Actors.Rooms;
using Instant.Protocol;

namespace Instant.Actors.Connections;

/// <summary>
/// One client connection. It sends <c>identity</c>, joins its room, turns the client's frames
/// into room commands, answers pings, and is the only writer to its sink: frames from the room
/// go to the sink's bounded outbox, and a reader that stalls until it overflows is closed.
/// </summary>
public sealed class ConnectionActor : UntypedActor
{
    /// <summary>The longest single wait for a ping deadline (well within the scheduler's range).</summary>
    private static readonly TimeSpan MaxDeadlineWait = TimeSpan.FromDays(7);

    /// <summary>How long the room may take to answer a <c>who</c> before it counts as lost.</summary>
    private static readonly TimeSpan WhoAnswerTimeout = TimeSpan.FromSeconds(10);

    /// <summary><c>who</c> requests that may wait behind the one the room is answering; more are <c>RATE_LIMITED</c>.</summary>
    private const int MaxWaitingWho = 16;

    /// <summary>A <c>who</c> answer costs one message of the rate limit per this many bytes of it.</summary>
    private const double WhoBytesPerMessage = 1024;

    // An UntypedActor with a switch: ReceiveActor's handler tables cost ~1 KB per instance,
    // which a server with tens of thousands of connections feels.
    private readonly ConnectionIdentity _identity;
    private readonly ConnectionServices _services;
    private readonly IConnectionSink _sink;
    private TokenBucket _rateLimit;
    private ILoggingAdapter? _log;
    private long? _deadline;
    private ICancelable? _deadlineCheck;
    private bool _sinkClosed;
    private TaskCompletionSource<IActorRef>? _opened;
    private IConnectionHookState? _hooks;

    // One `who` at a time is with the room; the answer's size sets what the next one costs.
    private long _whoAsks;
    private long _whoAsked; // the number of the ask the room has, 0 when none
    private Queue<ReadOnlyMemory<byte>>? _whoWaiting;
    private double _whoCost = 1;
    private ICancelable? _whoOverdue;
    private ConnectionEnd? _end;

    public ConnectionActor(ConnectionIdentity identity, ConnectionServices services, IConnectionSink sink, TaskCompletionSource<IActorRef>? opened = null)
    {
        _identity = identity;
        _services = services;
        _sink = sink;
        _opened = opened;
        _rateLimit = new TokenBucket(services.Limits.MessagesPerSecond, services.Limits.MessageBurst, services.Time);
    }

    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    private bool IsApi => _identity.Room == RoomNames.Api;

    private long Now => _services.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// The props of a connection; <paramref name="opened"/>, if given, completes once
    /// <c>identity</c> is queued, so that the socket reads nothing the client sends before it.
    /// </summary>
    public static Props Props(ConnectionIdentity identity, ConnectionServices services, IConnectionSink sink, TaskCompletionSource<IActorRef>? opened = null)
        => DirectActorProducer<ConnectionActor>.Props(() => new ConnectionActor(identity, services, sink, opened)).WithMailbox(CompactMailbox.ConfigPath);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Deliver deliver:
                // Counted by whoever made it (one count for a whole fan-out).
                if (!_sink.TrySend(deliver.Frame, deliver.RelayedAt))
                {
                    Overflowed();
                }

                break;
            case DeliverFrames deliver:
                SendAll(deliver.Frames);
                break;
            case ClientFrame frame:
                Handle(frame);
                break;
            case FrameRejected rejected when !_rateLimit.TryTake(_services.Time):
                // Garbage counts against the rate like anything else a client sends.
                _services.Metrics.RateLimited();
                SendError(default, ProtocolError.RateLimited, null);
                break;
            case FrameRejected rejected:
                if (rejected.Error == ProtocolError.FrameTooLarge)
                {
                    _services.Metrics.FrameTooLarge();
                }

                SendError(default, rejected.Error, rejected.MaxSize is { } max ? w => w.WriteNumber("max"u8, max) : null);
                break;
            case SocketClosed:
                _sinkClosed = true; // nothing left to close
                _end ??= ConnectionEnd.Client;
                Context.Stop(Self);
                break;
            case CloseConnection close:
                _end ??= close.Reason switch
                {
                    ConnectionCloseReason.ServerShutdown => ConnectionEnd.ServerShutdown,
                    ConnectionCloseReason.Disconnected => ConnectionEnd.Disconnected,
                    ConnectionCloseReason.PingTimeout => ConnectionEnd.PingTimeout,
                    ConnectionCloseReason.OutboxOverflow => ConnectionEnd.OutboxOverflow,
                    _ => ConnectionEnd.InternalError,
                };
                CloseSink(close.Reason);
                Context.Stop(Self);
                break;
            case CheckPingDeadline check:
                CheckDeadline(check);
                break;
            case WhoAnswer answer:
                WhoAnswered(answer);
                break;
            case WhoOverdue overdue when overdue.Asked == _whoAsked:
                _whoAsked = 0;
                AskNextWho();
                break;
            case RemoteUnicastDone done:
                RemoteUnicastAnswered(done);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PreStart()
    {
        _services.Metrics.ConnectionOpened();
        _services.Directory.Add(_identity.Id, Self, _identity.Room);
        _hooks = _services.Hooks?.Connect(_identity, Self);
        Send(ServerFrames.Identity(_services.Server, _identity.Id, _identity.Uuid, Now, _hooks is null ? null : _hooks.WriteIdentityFields));
        if (!IsApi)
        {
            // The API group is in no room: it only unicasts, by participant id.
            _services.Rooms.Tell(new JoinRoom(_identity.Room, _identity.Id, _identity.Uuid, Self, Announce: true));
        }

        _opened?.TrySetResult(Self);
        _opened = null;
    }

    protected override void PostStop()
    {
        _opened?.TrySetException(new InvalidOperationException($"connection {IdFormat.ToHex(_identity.Id)} failed to start"));
        // A connection actor that failed is stopped by its supervisor (never restarted), so
        // PreRestart does not run: close the socket here, or the client would be left connected
        // to nobody (the room has already been told it left).
        if (!_sinkClosed)
        {
            _end ??= ConnectionEnd.InternalError;
            CloseSink(ConnectionCloseReason.InternalError);
        }

        _services.Metrics.ConnectionClosed(_end ?? ConnectionEnd.InternalError);

        _deadlineCheck?.Cancel();
        _hooks?.OnDisconnect();
        _whoOverdue?.Cancel();
        _services.Directory.Remove(_identity.Id);
        if (!IsApi)
        {
            _services.Rooms.Tell(new LeaveRoom(_identity.Room, _identity.Id));
        }
    }

    // A connection never restarts: a second identity frame and join would confuse everyone.
    protected override void PreRestart(Exception reason, object message)
    {
        Log.Error(reason, "Connection {0} failed", IdFormat.ToHex(_identity.Id));
        _end ??= ConnectionEnd.InternalError;
        CloseSink(ConnectionCloseReason.InternalError);
        Context.Stop(Self);
    }

    private void Handle(ClientFrame frame)
    {
        _services.Metrics.MessageIn(frame.Type);
        if (!_rateLimit.TryTake(_services.Time))
        {
            _services.Metrics.RateLimited();
            SendError(frame.Seq, ProtocolError.RateLimited, null);
            return;
        }

        if (_hooks is not null && _hooks.OnFrame(frame))
        {
            return; // a plugin took it
        }

        switch (frame.Type)
        {
            case MessageTypes.Ping:
                Send(ServerFrames.Pong(frame.Seq, Now));
                SetDeadline(NextPing(frame.Data));
                break;
            case MessageTypes.Broadcast when !IsApi:
                _services.Rooms.Tell(new BroadcastToRoom(_identity.Room, _identity.Id, frame.Seq, frame.Data));
                break;
            case MessageTypes.Who when !IsApi:
                Who(frame.Seq);
                break;
            case MessageTypes.Unicast when !IsApi:
                _services.Rooms.Tell(new UnicastInRoom(_identity.Room, _identity.Id, frame.Seq, frame.To, frame.Data));
                break;
            case MessageTypes.Unicast:
                UnicastAnywhere(frame);
                break;
            case null:
                SendError(frame.Seq, ProtocolError.InvalidType, null);
                break;
            default:
                string type = frame.Type;
                SendError(frame.Seq, ProtocolError.InvalidType, w => w.WriteString("type"u8, type));
                break;
        }
    }

    /// <summary>
    /// A <c>who</c> is answered with the whole room, so it costs its sender in proportion: one
    /// is with the room at a time (a few more wait here), and each costs as many messages of
    /// the rate limit as the last answer had kilobytes. A flood of <c>who</c> thus slows its
    /// sender, never the room.
    /// </summary>
    private void Who(ReadOnlyMemory<byte> seq)
    {
        _whoWaiting ??= new Queue<ReadOnlyMemory<byte>>();
        if (_whoWaiting.Count >= MaxWaitingWho)
        {
            SendError(seq, ProtocolError.RateLimited, null);
            return;
        }

        _whoWaiting.Enqueue(seq);
        AskNextWho();
    }

    private void AskNextWho()
    {
        while (_whoAsked == 0 && _whoWaiting is { Count: > 0 })
        {
            var seq = _whoWaiting.Dequeue();
            // The message itself has taken its one token; the rest of the cost is taken here.
            if (!_rateLimit.TryTake(_services.Time, _whoCost - 1))
            {
                SendError(seq, ProtocolError.RateLimited, null);
                continue;
            }

            _whoAsked = ++_whoAsks;
            _services.Rooms.Tell(new WhoInRoom(_identity.Room, _identity.Id, seq));
            _whoOverdue = Context.System.Scheduler.ScheduleTellOnceCancelable(WhoAnswerTimeout, Self, new WhoOverdue(_whoAsked), Self);
        }
    }

    private void WhoAnswered(WhoAnswer answer)
    {
        Send(ServerFrames.WhoReply(answer.Seq, answer.Participants, answer.Timestamp));
        _whoCost = 1 + (answer.Participants.Length / WhoBytesPerMessage);
        _whoAsked = 0;
        _whoOverdue?.Cancel();
        _whoOverdue = null;
        AskNextWho();
    }

    /// <summary>
    /// An <c>/api/ws</c> unicast reaches any participant by id: of this process directly, of
    /// another node of the cluster through that node's <see cref="Cluster.ParticipantGatewayActor"/>
    /// (the id names its node), which answers whether it delivered.
    /// </summary>
    private void UnicastAnywhere(ClientFrame frame)
    {
        if (!IdFormat.TryParse(frame.To, out long to))
        {
            NoParticipant(frame.Seq, frame.To);
            return;
        }

        long now = Now;
        if (_services.Directory.Find(to) is { } recipient)
        {
            long id = _services.Ids.Next();
            Send(ServerFrames.Response(frame.Seq, id, MessageTypes.Unicast, now));
            var delivered = ServerFrames.Unicast(id, _identity.Id, to, frame.Data, now);
            _services.Metrics.FramesOut(delivered);
            recipient.Tell(new Deliver(delivered));
            return;
        }

        if (_services.RemoteParticipants?.GatewayFor(to) is not { } gateway)
        {
            NoParticipant(frame.Seq, frame.To);
            return;
        }

        long messageId = _services.Ids.Next();
        var unicast = ServerFrames.Unicast(messageId, _identity.Id, to, frame.Data, now);
        Context.ActorSelection(gateway).Tell(new RemoteUnicast(to, messageId, frame.Seq.ToArray(), unicast), Self);
    }

    private void RemoteUnicastAnswered(RemoteUnicastDone done)
    {
        if (done.Delivered)
        {
            Send(ServerFrames.Response(done.Seq, done.MessageId, MessageTypes.Unicast, Now));
        }
        else
        {
            NoParticipant(done.Seq, IdFormat.ToHex(done.To));
        }
    }

    private void NoParticipant(ReadOnlyMemory<byte> seq, string? target)
        => SendError(seq, ProtocolError.NoParticipant, w => RoomActor.NoParticipantDetail(w, target));

    private void SetDeadline(long? next)
    {
        _deadline = next;
        _deadlineCheck?.Cancel();
        _deadlineCheck = null;
        if (next is { } deadline)
        {
            // Clamped: a client may promise a ping centuries ahead (TimeSpan overflows past ~29,000
            // years); a far deadline is simply checked again when the capped wait ends.
            long now = Now;
            double wait = deadline <= now ? 0 : Math.Min(deadline - now, MaxDeadlineWait.TotalMilliseconds);
            var delay = TimeSpan.FromMilliseconds(wait) + _services.Limits.PingGrace;
            _deadlineCheck = Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, new CheckPingDeadline(deadline), Self);
        }
    }

    private void CheckDeadline(CheckPingDeadline check)
    {
        if (_deadline == check.Deadline && Now > check.Deadline)
        {
            Log.Info("Connection {0} missed its ping deadline; closing", IdFormat.ToHex(_identity.Id));
            _end ??= ConnectionEnd.PingTimeout;
            CloseSink(ConnectionCloseReason.PingTimeout);
            Context.Stop(Self);
        }
        else if (_deadline == check.Deadline)
        {
            SetDeadline(check.Deadline); // the wait was capped: wait for the rest
        }
    }

    private void CloseSink(ConnectionCloseReason reason)
    {
        _sinkClosed = true;
        _sink.Close(reason);
    }

    /// <summary>
    /// Queues a frame of this connection's own (identity, pong, error, response), counted here;
    /// false when the outbox overflowed and the connection is closing.
    /// </summary>
    private bool Send(byte[] frame)
    {
        _services.Metrics.FramesOut(frame);
        if (_sink.TrySend(frame))
        {
            return true;
        }

        Overflowed();
        return false;
    }

    /// <summary>Queues relayed frames in order (counted by the relay that made them).</summary>
    private void SendAll(IReadOnlyList<byte[]> frames)
    {
        foreach (var frame in frames)
        {
            if (!_sink.TrySend(frame))
            {
                Overflowed();
                return;
            }
        }
    }

    private void Overflowed()
    {
        if (_sinkClosed)
        {
            return;
        }

        Log.Info("Connection {0} fell too far behind; closing", IdFormat.ToHex(_identity.Id));
        _end ??= ConnectionEnd.OutboxOverflow;
        CloseSink(ConnectionCloseReason.OutboxOverflow);
        Context.Stop(Self);
    }

    private void SendError(ReadOnlyMemory<byte> seq, ProtocolError error, Action<Utf8JsonWriter>? detail)
        => Send(ServerFrames.Error(seq, error, detail, Now));

    /// <summary>The <c>next</c> member of a ping's data: the client's promised next-ping time.</summary>
    private static long? NextPing(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        var reader = new Utf8JsonReader(data.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isNext = reader.ValueTextEquals("next"u8);
            reader.Read();
            if (isNext && reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double next))
            {
                return (long)next;
            }

            reader.Skip();
        }

        return null;
    }
}
