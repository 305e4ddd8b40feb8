using Akka.Actor;
using Akka.Configuration;
using Scribe.Actors.Journal;

namespace Scribe.Actors.Tests.Journal;

/// <summary>
/// One "process" holding a room's Scribe log on a journal: an actor system of its own, so a
/// spec can stop it and start another on the same database to see what recovery brings back.
/// </summary>
public sealed class LogNode : IAsyncDisposable
{
    private LogNode(ActorSystem system, JournalScribeLog log)
    {
        System = system;
        Log = log;
    }

    public ActorSystem System { get; }

    public JournalScribeLog Log { get; }

    /// <summary>
    /// A node whose log reads ranges from the journal table, or with <paramref name="throughQuery"/>
    /// through the read journal's <c>CurrentEventsByPersistenceId</c>.
    /// </summary>
    public static LogNode Start(ScribeJournalConfig journal, ScribeLogSettings settings, string room = "test", bool throughQuery = false)
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\nakka.log-dead-letters = off")
            .WithFallback(journal.ToConfig());
        var system = ActorSystem.Create("scribe-log", config);
        IJournalEventReader reader = throughQuery
            ? new QueryJournalEventReader(system, ScribeJournalConfig.ReadJournalPluginId)
            : new SqlTableEventReader(system, journal);
        return new LogNode(system, JournalScribeLog.Start(system, system, room, reader, settings));
    }

    public async ValueTask DisposeAsync() => await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
}
