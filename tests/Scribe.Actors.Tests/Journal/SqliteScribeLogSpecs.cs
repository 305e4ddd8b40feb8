using Scribe.Actors.Journal;

namespace Scribe.Actors.Tests.Journal;

/// <summary>The Scribe log specs on a SQLite journal file (write-ahead logging), one file per test.</summary>
public sealed class SqliteScribeLogSpecs : ScribeLogSpecs, IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    protected override Task<ScribeJournalConfig> NewJournalAsync()
    {
        var journal = ScribeJournalConfig.Parse("sqlite:" + _dir.File("journal.sqlite"));
        journal.Prepare();
        return Task.FromResult(journal);
    }
}
