using Akka.Hosting;

namespace Scribe.Actors.Journal;

/// <summary>Akka.Hosting wiring for the Scribe journal.</summary>
public static class ScribeJournalHostingExtensions
{
    /// <summary>
    /// Readies the journal's database (SQLite: write-ahead logging, set before the actor system
    /// opens the file) and adds the Akka.Persistence.Sql journal, read journal and snapshot
    /// store settings for it, plus the Scribe journal serializer. Scribe logs then start with
    /// <c>JournalScribeLog.Start</c>.
    /// </summary>
    public static AkkaConfigurationBuilder AddScribeJournal(this AkkaConfigurationBuilder builder, ScribeJournalConfig journal)
    {
        journal.Prepare();
        return builder.AddHocon(journal.ToConfig(), HoconAddMode.Append);
    }
}
