using Akka.Actor;
using Akka.Event;
using Instant.Actors.Connections;
using Instant.Actors.Hosting;
using Scribe.Actors.Logging;
using Scribe.Actors.Protocol;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Hosting;

/// <summary>
/// Attaches a <see cref="ScribeActor"/> to a room of the same actor system through an
/// in-process connection: no WebSocket, yet to everyone else an ordinary participant with an
/// id, a uuid and a nick. It owns the store and the logfile, and re-attaches after the
/// connection ends unless Scribe itself left (<c>DontStay</c>), in which case it stops.
/// </summary>
public sealed class EmbeddedScribeActor : ReceiveActor, IWithTimers
{
    private readonly InstantConnections _connections;
    private readonly EmbeddedScribeOptions _options;
    private readonly ScribeMetrics? _metrics;
    private LogfileWriter? _log;
    private IMessageStore? _store;
    private IActorRef _scribe = ActorRefs.Nobody;
    private IActorRef? _connection;
    private InProcessTransport? _transport;
    private string? _uuid;

    public EmbeddedScribeActor(InstantConnections connections, EmbeddedScribeOptions options, ScribeMetrics? metrics = null)
    {
        _connections = connections;
        _metrics = metrics;
        _options = options;
        _uuid = options.Uuid;
        Receive<Terminated>(t => t.ActorRef.Equals(_connection), _ => OnConnectionEnded());
        Receive<Reconnect>(_ => Connect());
        Receive<ConnectionOpened>(Opened);
        Receive<Status.Failure>(failure => throw new InvalidOperationException("the Scribe's connection could not be opened", failure.Cause));
        Receive<StoreFailed>(failed =>
        {
            // Scribe has written its ERROR line and left the room for good; say so where the
            // server's operator looks, and stop (the server goes on without this Scribe).
            Context.GetLogger().Error("Embedded Scribe of room {0} stopped: its message database {1} failed: {2}",
                _options.Room, _options.MessageDb ?? "(in memory)", failed.Error.Message);
            Context.Stop(Self);
        });
        Receive<IsInRoom>(_ => Sender.Tell(_connection is not null));
        ReceiveAny(message => _scribe.Forward(message));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(InstantConnections connections, EmbeddedScribeOptions options, ScribeMetrics? metrics = null)
        => Akka.Actor.Props.Create(() => new EmbeddedScribeActor(connections, options, metrics));

    protected override void PreStart()
    {
        _log = _options.LogFile is { } file
            ? LogfileWriter.Open(file, _options.LogRotate is null ? LogRotation.Never : LogRotation.Parse(_options.LogRotate))
            : LogfileWriter.Null();
        _log.Write("SCRIBE", ("version", new BareWord("v" + _options.Settings.Version)), ("room", _options.Room));
        _store = StoreLoader.Open(_options.NoMessageDb, _options.MessageDb, _options.Settings.MaxLength, _log);
        if (_options.ReadFile is { } readFile)
        {
            StoreLoader.ReadLogfile(_store, readFile, _options.ReadRotate, _log);
        }

        StoreLoader.LogBounds(_store, _log);
        var self = Self;
        _scribe = Context.ActorOf(ScribeActor.Props(_store, _log, _options.Settings, storeFailed: e => self.Tell(new StoreFailed(e)), metrics: _metrics), "scribe");
        Connect();
    }

    protected override void PostStop()
    {
        _transport?.Close(final: true);
        _store?.Dispose();
        _log?.Dispose();
    }

    private void Connect()
    {
        var (id, fresh) = _connections.NewParticipant();
        _uuid ??= fresh;
        _transport = new InProcessTransport();
        _scribe.Tell(new ScribeConnected(_transport));
        _log!.Write("CONNECT", ("room", _options.Room), ("id", ScribeIds.Format(id)));
        var transport = _transport;
        _connections.OpenAsync(new ConnectionIdentity(_options.Room, id, _uuid), new ScribeConnectionSink(_scribe))
            .PipeTo(Self, success: connection => new ConnectionOpened(connection, transport));
    }

    private void Opened(ConnectionOpened opened)
    {
        _connection = opened.Connection;
        Context.Watch(_connection);
        opened.Transport.Attach(_connection);
    }

    private void OnConnectionEnded()
    {
        bool final = _transport?.ClosedFinal == true;
        _connection = null;
        _scribe.Tell(new ScribeDisconnected(final));
        _log!.Write("CLOSED", ("final", final));
        if (final)
        {
            Context.Stop(Self);
        }
        else
        {
            Timers.StartSingleTimer("reconnect", Reconnect.Instance, _options.ReconnectDelay);
        }
    }

    private sealed record ConnectionOpened(IActorRef Connection, InProcessTransport Transport);
    private sealed record StoreFailed(Exception Error);

    private sealed record Reconnect
    {
        public static readonly Reconnect Instance = new();
    }
}

/// <summary>Asks an embedded Scribe whether its connection to its room is open; it answers a bool (the readiness check).</summary>
public sealed record IsInRoom
{
    public static readonly IsInRoom Instance = new();
}
