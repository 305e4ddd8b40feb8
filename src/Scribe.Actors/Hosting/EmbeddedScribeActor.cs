using Akka.Actor;
using Akka.Event;
using Instant.Actors.Hosting;
using Scribe.Actors.Journal;
using Scribe.Actors.Logging;
using Scribe.Actors.Protocol;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Hosting;

/// <summary>
/// Attaches a <see cref="ScribeActor"/> to a room of the same actor system through an
/// in-process connection: no WebSocket, yet to everyone else an ordinary participant with an
/// id, a uuid and a nick. It owns the store and the logfile, and re-attaches after the
/// connection ends unless Scribe itself left (<c>DontStay</c>), in which case it stops.
/// With <see cref="EmbeddedScribeOptions.Journal"/> the store is the room's journal (a
/// <see cref="ScribeLogActor"/> child): that is a room Scribe entity of the server, sharded in a
/// cluster. It stops if its journal actor or its Scribe dies, to be started again (recovering
/// from the journal) by the next <see cref="EnsureScribe"/>.
/// </summary>
public sealed class EmbeddedScribeActor : ReceiveActor, IWithTimers
{
    private readonly InstantConnections _connections;
    private readonly EmbeddedScribeOptions _options;
    private readonly ScribeMetrics? _metrics;
    private LogfileWriter? _log;
    private IMessageStore? _store;
    private IActorRef? _journalLog;
    private IActorRef _scribe = ActorRefs.Nobody;
    private IActorRef? _connection;
    private ParticipantTransport? _transport;
    private string? _uuid;
    private bool _stopping;

    public EmbeddedScribeActor(InstantConnections connections, EmbeddedScribeOptions options, ScribeMetrics? metrics = null)
    {
        _connections = connections;
        _metrics = metrics;
        _options = options;
        _uuid = options.Uuid;
        Receive<Terminated>(t => t.ActorRef.Equals(_connection), _ => OnConnectionEnded());
        Receive<Terminated>(t => t.ActorRef.Equals(_scribe) || t.ActorRef.Equals(_journalLog), t =>
        {
            if (!_stopping)
            {
                Context.GetLogger().Warning("Scribe of room {0}: {1} stopped; the Scribe stops too, to start again from its journal", _options.Room, t.ActorRef.Path.Name);
            }

            Context.Stop(Self);
        });
        Receive<EnsureScribe>(_ => { }); // running already
        Receive<StopScribe>(_ =>
        {
            // The Scribe stores its pending posts while its journal actor still runs.
            _stopping = true;
            Context.Stop(_scribe);
        });
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

    // A journal-backed Scribe that fails stops (and is started again from its journal) rather
    // than restarting with its pending posts gone; a local store keeps the default.
    protected override SupervisorStrategy SupervisorStrategy()
        => _options.Journal is null ? base.SupervisorStrategy() : new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _log = _options.LogFile is { } file
            ? LogfileWriter.Open(file, _options.LogRotate is null ? LogRotation.Never : LogRotation.Parse(_options.LogRotate))
            : LogfileWriter.Null();
        _log.Write("SCRIBE", ("version", new BareWord("v" + _options.Settings.Version)), ("room", _options.Room));
        var self = Self;
        if (_options.Journal is { } journal)
        {
            Context.GetLogger().Info("Scribe of room {0} runs on this node, its journal {1}", _options.Room, journal.Describe());
            var log = JournalScribeLog.Start(Context.System, Context, _options.Room, journal);
            _journalLog = log.Actor;
            Context.Watch(_journalLog);
            _scribe = Context.ActorOf(ScribeActor.Props(log, _log, _options.Settings, storeFailed: e => self.Tell(new StoreFailed(e)), metrics: _metrics), "scribe");
            Context.Watch(_scribe);
        }
        else
        {
            _store = StoreLoader.Open(_options.NoMessageDb, _options.MessageDb, _options.Settings.MaxLength, _log);
            if (_options.ReadFile is { } readFile)
            {
                StoreLoader.ReadLogfile(_store, readFile, _options.ReadRotate, _log);
            }

            StoreLoader.LogBounds(_store, _log);
            _scribe = Context.ActorOf(ScribeActor.Props(_store, _log, _options.Settings, storeFailed: e => self.Tell(new StoreFailed(e)), metrics: _metrics), "scribe");
        }

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
        var scribe = _scribe;
        var participant = new InProcessParticipant(_connections, _options.Room, frame => scribe.Tell(new ServerFrame(frame)), _uuid);
        _uuid ??= participant.Uuid; // the same identity for every reconnect of this process
        _transport = new ParticipantTransport(participant);
        _scribe.Tell(new ScribeConnected(_transport));
        _log!.Write("CONNECT", ("room", _options.Room), ("id", participant.WireId));
        participant.OpenAsync().PipeTo(Self, success: connection => new ConnectionOpened(connection));
    }

    private void Opened(ConnectionOpened opened)
    {
        _connection = opened.Connection;
        Context.Watch(_connection);
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

    private sealed record ConnectionOpened(IActorRef Connection);
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
