using Npgsql;
using Scribe.Actors.Journal;
using Xunit;

namespace Scribe.Actors.Tests.Journal;

/// <summary>One PostgreSQL server for every PostgreSQL spec class, started and stopped by the tests.</summary>
public sealed class PostgreSqlFixture : IAsyncLifetime
{
    private PostgreSqlServer? _server;

    public PostgreSqlServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await PostgreSqlServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A new, empty database on the server, as a journal.</summary>
    public async Task<ScribeJournalConfig> NewJournalAsync()
    {
        string connection = await Server.CreateDatabaseAsync("scribe_" + Guid.NewGuid().ToString("N")[..16]);
        return ScribeJournalConfig.Parse(connection);
    }
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlFixture>
{
    public const string Name = "PostgreSQL";
}

/// <summary>The Scribe log specs on a real PostgreSQL server, one database per test.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlScribeLogSpecs(PostgreSqlFixture postgres) : ScribeLogSpecs
{
    protected override Task<ScribeJournalConfig> NewJournalAsync() => postgres.NewJournalAsync();

    [Fact]
    public async Task The_journal_tables_are_made_in_the_database_on_first_use()
    {
        var journal = await postgres.NewJournalAsync();
        await using var node = LogNode.Start(journal, Snapshots(1));
        await node.Log.AppendAsync([Post(1), Post(2)]);

        await using var connection = new NpgsqlConnection(journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM event_journal WHERE persistence_id = 'scribe-test'", connection);
        Assert.Equal(2L, await command.ExecuteScalarAsync());
        command.CommandText = "SELECT count(*) FROM snapshot_store WHERE persistence_id = 'scribe-test'";
        await Eventually.AssertAsync(async () => Assert.Equal(1L, await command.ExecuteScalarAsync()));
    }
}
