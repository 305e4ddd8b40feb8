using Akka.Actor;
using Akka.Configuration;
using Scribe.Actors.Journal;
using Scribe.Actors.Stores;
using Xunit;

namespace Scribe.Actors.Tests.Journal;

/// <summary><c>instant.scribe.journal</c> values, and the stored form of the log's events and snapshots.</summary>
public sealed class ScribeJournalConfigSpecs
{
    [Fact]
    public void Sqlite_is_the_default_under_the_scribe_directory()
    {
        foreach (string? spec in new[] { null, "", "sqlite", " SQLite " })
        {
            var journal = ScribeJournalConfig.Parse(spec, "/var/lib/scribe");
            Assert.Equal(JournalKind.Sqlite, journal.Kind);
            Assert.Equal("/var/lib/scribe/journal.sqlite", journal.SqlitePath);
        }

        var named = ScribeJournalConfig.Parse("sqlite:/data/rooms.db", "ignored");
        Assert.Equal("/data/rooms.db", named.SqlitePath);
        Assert.Contains("Data Source=/data/rooms.db", named.ConnectionString);
        Assert.Contains("provider-name = \"SQLite.MS\"", named.ToHocon());
    }

    [Fact]
    public void A_postgresql_url_becomes_an_npgsql_connection_string()
    {
        var journal = ScribeJournalConfig.Parse("postgresql://scribe:p%40ss@db.example:5433/instant?sslmode=require&application_name=scribe");
        Assert.Equal(JournalKind.PostgreSql, journal.Kind);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(journal.ConnectionString);
        Assert.Equal("db.example", builder.Host);
        Assert.Equal(5433, builder.Port);
        Assert.Equal("scribe", builder.Username);
        Assert.Equal("p@ss", builder.Password);
        Assert.Equal("instant", builder.Database);
        Assert.Equal(Npgsql.SslMode.Require, builder.SslMode);
        Assert.Equal("scribe", builder.ApplicationName);
        Assert.Equal("postgresql://scribe@db.example:5433/instant", journal.Describe());
        Assert.Contains("provider-name = \"PostgreSQL.15\"", journal.ToHocon());

        var keyValue = ScribeJournalConfig.Parse("Host=10.0.0.5;Database=instant;Username=scribe;Password=a\"b\\c");
        Assert.Equal(JournalKind.PostgreSql, keyValue.Kind);
        // Quotes and backslashes survive the trip through HOCON.
        var config = ConfigurationFactory.ParseString(keyValue.ToHocon());
        Assert.Equal(keyValue.ConnectionString, config.GetString("akka.persistence.journal.sql.connection-string"));
    }

    [Theory]
    [InlineData("sqlite:", "needs a file path")]
    [InlineData("sqlite::memory:", "in-memory")]
    [InlineData("mysql://db/x", "is not a journal")]
    [InlineData("/var/lib/journal.db", "is not a journal")]
    [InlineData("postgresql:///instant", "names no host")]
    [InlineData("postgresql://db/instant?nosuchkey=1", "instant.scribe.journal")]
    [InlineData("Database=instant", "names no Host")]
    [InlineData("Host=db;Bogus Key=1", "not a PostgreSQL connection string")]
    public void Bad_values_are_refused_with_a_reason(string spec, string reason)
    {
        var error = Assert.Throws<FormatException>(() => ScribeJournalConfig.Parse(spec));
        Assert.Contains(reason, error.Message);
        Assert.StartsWith("instant.scribe.journal", error.Message);
    }

    [Fact]
    public void Preparing_a_sqlite_journal_switches_the_file_to_write_ahead_logging()
    {
        using var dir = new TestDirectory();
        var journal = ScribeJournalConfig.Parse("sqlite:" + dir.File("sub/journal.sqlite"));
        journal.Prepare();
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal.SqlitePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void Events_and_snapshots_survive_their_stored_form()
    {
        using var system = ActorSystem.Create("serializer", ScribeJournalConfig.SerializationHocon);
        var serialization = system.Serialization;
        object[] messages =
        [
            new PostStored(new LogEntry(0x0005FFC2FCABA001, null, null, null, null)),
            new PostStored(new LogEntry(0x0005FFC2FCABA401, 0x0005FFC2FCABA001, 0x1000, "zoë", "reply ☃\n")),
            new UuidsRecorded(new Dictionary<long, string> { [1] = "u1", [-5] = "" }),
            new PostsDeleted([3, 1, 2]),
        ];
        foreach (var message in messages)
        {
            var serializer = serialization.FindSerializerFor(message);
            Assert.IsType<ScribeJournalSerializer>(serializer);
            var bytes = serializer.ToBinary(message);
            var back = serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
            Assert.Equal(Describe(message), Describe(back));
        }

        var snapshot = new ScribeLogSnapshot([1, 5, 0x0005FFC2FCABA001], [3, 1, 900], new Dictionary<long, string> { [7] = "u7" });
        var stored = serialization.FindSerializerFor(snapshot).ToBinary(snapshot);
        var restored = (ScribeLogSnapshot)serialization.Deserialize(stored, ScribeJournalSerializer.SerializerId, "S");
        Assert.Equal(snapshot.Ids, restored.Ids);
        Assert.Equal(snapshot.SequenceNrs, restored.SequenceNrs);
        Assert.Equal("u7", restored.Uuids[7]);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serialization.Deserialize(stored, ScribeJournalSerializer.SerializerId, "?"));
    }

    private static string Describe(object message) => message switch
    {
        UuidsRecorded u => string.Join(",", u.Uuids.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")),
        PostsDeleted d => string.Join(",", d.Ids),
        _ => message.ToString()!,
    };
}
