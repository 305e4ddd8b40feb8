using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Instant.Actors.Cluster;
using Instant.Actors.Diagnostics;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Instant.Actors.Rooms;

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
        => Akka.Actor.Props.Create(() => new ConnectionActor(identity, services, sink, opened)).WithMailbox(CompactMailbox.ConfigPath);

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
        Send(ServerFrames.Identity(_services.Server, _identity.Id, _identity.Uuid, Now));
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
                _services.Rooms.Tell(new WhoInRoom(_identity.Room, _identity.Id, frame.Seq));
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

    /// <summary>Queues a frame of this connection's own (identity, pong, error, response), counted here.</summary>
    private void Send(byte[] frame)
    {
        _services.Metrics.FramesOut(frame);
        if (!_sink.TrySend(frame))
        {
            Overflowed();
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
