using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Protocol;
using Instant.Protocol;

namespace Instant.Actors.Hosting;

/// <summary>
/// A participant that lives in the server's own process: a <see cref="ConnectionActor"/> opened
/// through <see cref="InstantConnections.OpenAsync"/> with no socket behind it. The room cannot
/// tell it from a WebSocket client: it gets an id and a uuid, is announced with <c>joined</c>,
/// listed by <c>who</c> and seen to leave. Client frames go in as UTF-8 JSON, read by the same
/// codec as a socket's frames; server frames come out as the bytes a WebSocket client reads,
/// either to a callback (an actor's mailbox, say) or, without one, to a queue read with
/// <see cref="ReceiveAsync(CancellationToken)"/>.
/// </summary>
/// <remarks>
/// The participant is trusted code of the host: its frames are not counted against an outbox, so
/// the server never drops it as a slow reader. Frames sent before the connection is open are held
/// and delivered, in order, once it is.
/// </remarks>
public sealed class InProcessParticipant
{
    private readonly InstantConnections _connections;
    private readonly Action<byte[]>? _onFrame;
    private readonly Channel<byte[]>? _frames;
    private readonly object _gate = new();
    private readonly List<byte[]> _early = new();
    private readonly TaskCompletionSource<ConnectionCloseReason?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<IActorRef>? _opening;
    private IActorRef? _connection;
    private bool _left;
    private long _seq;

    /// <summary>
    /// A participant of <paramref name="room"/> with a fresh id, not yet connected (see <see cref="OpenAsync"/>).
    /// </summary>
    /// <param name="onFrame">
    /// Gets every server frame, on the connection actor's thread: it must be quick and must not
    /// block (telling an actor is). Null queues the frames for <see cref="ReceiveAsync(CancellationToken)"/>.
    /// </param>
    /// <param name="uuid">The identity UUID to show; null derives a fresh one from the id, as for a newcomer.</param>
    public InProcessParticipant(InstantConnections connections, string room, Action<byte[]>? onFrame = null, string? uuid = null)
    {
        _connections = connections;
        _onFrame = onFrame;
        _frames = onFrame is null ? Channel.CreateUnbounded<byte[]>() : null;
        var (id, freshUuid) = connections.NewParticipant();
        Id = id;
        Uuid = uuid ?? freshUuid;
        Room = room;
    }

    /// <summary>The participant id, as in its <c>identity</c> frame.</summary>
    public long Id { get; }

    /// <summary>The participant id in wire form (16 hex digits).</summary>
    public string WireId => IdFormat.ToHex(Id);

    public string Uuid { get; }

    public string Room { get; }

    /// <summary>
    /// Completes when the connection has ended: with the server's reason when the server closed it,
    /// with null when the participant left (<see cref="Leave"/>).
    /// </summary>
    public Task<ConnectionCloseReason?> Closed => _closed.Task;

    /// <summary>
    /// Opens a participant that queues its frames and waits for its <c>identity</c> frame: when
    /// this returns, the participant is joining the room, and every later frame is for
    /// <see cref="ReceiveAsync(CancellationToken)"/>.
    /// </summary>
    public static async Task<InProcessParticipant> JoinAsync(
        InstantConnections connections, string room, CancellationToken cancellation, string? uuid = null)
    {
        var participant = new InProcessParticipant(connections, room, onFrame: null, uuid);
        await participant.OpenAsync().WaitAsync(cancellation).ConfigureAwait(false);
        await participant.ReceiveAsync(f => (string?)f["type"] == MessageTypes.Identity, cancellation).ConfigureAwait(false);
        return participant;
    }

    /// <summary>
    /// Starts the connection actor (once; later calls return the same task). It sends
    /// <c>identity</c> and joins the room; the task completes with the actor, which a host may
    /// watch to learn when the connection has ended.
    /// </summary>
    public Task<IActorRef> OpenAsync()
    {
        lock (_gate)
        {
            if (_opening is null)
            {
                _opening = _connections.OpenAsync(new ConnectionIdentity(Room, Id, Uuid), new Sink(this));
                _opening.ContinueWith(
                    (opened, state) => ((InProcessParticipant)state!).Attached(opened),
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            return _opening;
        }
    }

    /// <summary>
    /// Sends one client frame (UTF-8 JSON), as a socket's receive loop would hand it over; a frame
    /// that is not a JSON object is answered with an <c>error</c> frame. The array is kept (the
    /// parsed frame refers to it): do not reuse it. Frames after <see cref="Leave"/> are dropped.
    /// </summary>
    public void Send(byte[] frame)
    {
        lock (_gate)
        {
            if (_left)
            {
                return;
            }

            if (_connection is null)
            {
                _early.Add(frame);
                return;
            }

            Deliver(_connection, frame);
        }
    }

    /// <summary>
    /// Sends <paramref name="frame"/> serialized as JSON (an anonymous object will do), with the
    /// next <c>seq</c> of this participant unless it has one.
    /// </summary>
    public void SendJson(object frame)
    {
        var node = JsonSerializer.SerializeToNode(frame)?.AsObject()
            ?? throw new ArgumentException("a frame is a JSON object", nameof(frame));
        if (!node.ContainsKey("seq"))
        {
            node["seq"] = Interlocked.Increment(ref _seq) - 1;
        }

        Send(JsonSerializer.SerializeToUtf8Bytes(node));
    }

    /// <summary>Leaves the room, as a client closing its socket does. Frames already queued stay readable.</summary>
    public void Leave()
    {
        lock (_gate)
        {
            if (_left)
            {
                return;
            }

            _left = true;
            _early.Clear();
            _connection?.Tell(SocketClosed.ByClient);
        }

        Ended(null);
    }

    /// <summary>
    /// The next server frame; throws <see cref="ChannelClosedException"/> once the connection has
    /// ended and every frame has been read. Only for a participant without a frame callback.
    /// </summary>
    public async Task<byte[]> ReceiveAsync(CancellationToken cancellation)
    {
        var frames = _frames ?? throw new InvalidOperationException("this participant hands its frames to a callback");
        return await frames.Reader.ReadAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>The next server frame that <paramref name="match"/> accepts, parsed; frames before it are skipped.</summary>
    public async Task<JsonObject> ReceiveAsync(Func<JsonObject, bool> match, CancellationToken cancellation)
    {
        while (true)
        {
            var frame = JsonNode.Parse(await ReceiveAsync(cancellation).ConfigureAwait(false))!.AsObject();
            if (match(frame))
            {
                return frame;
            }
        }
    }

    private void Attached(Task<IActorRef> opened)
    {
        if (!opened.IsCompletedSuccessfully)
        {
            Ended(ConnectionCloseReason.InternalError);
            return;
        }

        lock (_gate)
        {
            var connection = opened.Result;
            _connection = connection;
            foreach (var frame in _early)
            {
                Deliver(connection, frame);
            }

            _early.Clear();
            if (_left)
            {
                connection.Tell(SocketClosed.ByClient);
            }
        }
    }

    private static void Deliver(IActorRef connection, byte[] frame)
        => connection.Tell(ClientFrameParser.TryParse(frame) is { } parsed ? parsed : new FrameRejected(ProtocolError.InvalidJson));

    private void Received(byte[] frame)
    {
        if (_onFrame is { } onFrame)
        {
            onFrame(frame);
        }
        else
        {
            _frames!.Writer.TryWrite(frame);
        }
    }

    private void Ended(ConnectionCloseReason? reason)
    {
        _frames?.Writer.TryComplete();
        _closed.TrySetResult(reason);
    }

    /// <summary>The connection's outgoing side: every frame to the participant, no outbox to overflow.</summary>
    private sealed class Sink(InProcessParticipant participant) : IConnectionSink
    {
        public bool TrySend(byte[] frame)
        {
            participant.Received(frame);
            return true;
        }

        public void Close(ConnectionCloseReason reason) => participant.Ended(reason);
    }
}
