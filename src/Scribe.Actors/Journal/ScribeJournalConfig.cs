using System.Text;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Scribe.Actors.Journal;

/// <summary>Where Scribe logs keep their journal.</summary>
public enum JournalKind
{
    /// <summary>One SQLite file (write-ahead logging): one machine, any number of processes on it.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database: nodes on several machines.</summary>
    PostgreSql,
}

/// <summary>
/// The journal that <c>instant.scribe.journal</c> names, and the Akka.Persistence.Sql settings
/// (journal, read journal and snapshot store, all on the same database) that use it:
/// <list type="bullet">
/// <item><c>sqlite</c> or unset: <c>DIRECTORY/journal.sqlite</c> under <c>instant.scribe.directory</c>;</item>
/// <item><c>sqlite:PATH</c>: that SQLite file;</item>
/// <item><c>postgresql://USER:PASSWORD@HOST:PORT/DATABASE?key=value</c> (or <c>postgres://</c>), or
/// an Npgsql connection string <c>Host=…;Database=…;…</c>: PostgreSQL.</item>
/// </list>
/// </summary>
public sealed record ScribeJournalConfig(JournalKind Kind, string ConnectionString, string? SqlitePath)
{
    public const string JournalPluginId = "akka.persistence.journal.sql";
    public const string SnapshotPluginId = "akka.persistence.snapshot-store.sql";
    public const string ReadJournalPluginId = "akka.persistence.query.journal.sql";

    /// <summary>The file name of the default journal under the Scribe directory.</summary>
    public const string DefaultFileName = "journal.sqlite";

    private const string Usage = "expected sqlite, sqlite:PATH, a postgresql://USER@HOST/DATABASE URL or a Host=...;Database=... connection string";

    /// <summary>Reads a journal specification; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static ScribeJournalConfig Parse(string? spec, string directory = "scribe")
    {
        spec = spec?.Trim();
        if (string.IsNullOrEmpty(spec) || spec.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return Sqlite(Path.Combine(directory, DefaultFileName));
        }

        if (spec.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            string path = spec["sqlite:".Length..];
            if (path.Length == 0)
            {
                throw new FormatException("instant.scribe.journal: sqlite: needs a file path (sqlite:PATH)");
            }

            if (path == ":memory:")
            {
                throw new FormatException("instant.scribe.journal: an in-memory SQLite database cannot hold a journal; name a file");
            }

            return Sqlite(path);
        }

        if (spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return PostgreSql(FromUrl(spec));
        }

        if (spec.Contains('='))
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(spec);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"instant.scribe.journal: not a PostgreSQL connection string ({e.Message}); {Usage}", e);
            }

            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new FormatException($"instant.scribe.journal: the PostgreSQL connection string names no Host; {Usage}");
            }

            return PostgreSql(builder);
        }

        throw new FormatException($"instant.scribe.journal: '{spec}' is not a journal; {Usage}");
    }

    /// <summary>From a server's settings: <c>instant.scribe.journal</c> and <c>instant.scribe.directory</c> (default <c>scribe</c>).</summary>
    public static ScribeJournalConfig FromSettings(Func<string, string?> setting)
        => Parse(setting("instant.scribe.journal"), setting("instant.scribe.directory") is { Length: > 0 } directory ? directory : "scribe");

    public static ScribeJournalConfig Sqlite(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(path),
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Several processes on one machine may share the file: wait for the other writer's
            // transaction instead of failing at once.
            DefaultTimeout = 30,
        };
        return new ScribeJournalConfig(JournalKind.Sqlite, builder.ToString(), builder.DataSource);
    }

    public static ScribeJournalConfig PostgreSql(NpgsqlConnectionStringBuilder builder)
        => new(JournalKind.PostgreSql, builder.ConnectionString, null);

    /// <summary>The journal for logs and messages, without the password.</summary>
    public string Describe()
    {
        if (Kind == JournalKind.Sqlite)
        {
            return "sqlite:" + SqlitePath;
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>
    /// Readies the database before an actor system opens it: for SQLite, creates the directory
    /// and switches the file to write-ahead logging (a property of the file, so once is enough).
    /// </summary>
    public void Prepare()
    {
        if (Kind != JournalKind.Sqlite)
        {
            return;
        }

        ParentDirectory.Create(SqlitePath!);
        var builder = new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Akka settings: the Akka.Persistence.Sql journal, read journal and snapshot store on this
    /// database (tables created on first use), and the Scribe journal serializer. They are not
    /// made the default plugins: only Scribe logs use them, by plugin id.
    /// </summary>
    public string ToHocon()
    {
        string provider = Kind == JournalKind.Sqlite ? "SQLite.MS" : "PostgreSQL.15";
        string mapping = Kind == JournalKind.Sqlite ? "sqlite" : "postgresql";
        // SQLite has one writer at a time: parallel write batches would only wait for each other.
        int parallelism = Kind == JournalKind.Sqlite ? 1 : 3;
        string connection = Quote(ConnectionString);
        return $$"""
            akka.persistence {
              journal.sql {
                connection-string = {{connection}}
                provider-name = "{{provider}}"
                table-mapping = {{mapping}}
                auto-initialize = on
                parallelism = {{parallelism}}
              }
              query.journal.sql {
                connection-string = {{connection}}
                provider-name = "{{provider}}"
                table-mapping = {{mapping}}
                write-plugin = "{{JournalPluginId}}"
                # One page holds a whole 1,000-post log reply.
                max-buffer-size = 1024
              }
              snapshot-store.sql {
                connection-string = {{connection}}
                provider-name = "{{provider}}"
                table-mapping = {{mapping}}
                auto-initialize = on
              }
            }
            {{SerializationHocon}}
            """;
    }

    /// <summary><see cref="ToHocon"/> over the plugin's own defaults: what an actor system needs.</summary>
    public Config ToConfig() => ConfigurationFactory.ParseString(ToHocon()).WithFallback(SqlPersistence.DefaultConfiguration);

    /// <summary>Binds the Scribe log's events and snapshots to <see cref="ScribeJournalSerializer"/>.</summary>
    public static string SerializationHocon { get; } = """
        akka.actor {
          serializers.scribe-journal = "Scribe.Actors.Journal.ScribeJournalSerializer, scribe"
          serialization-bindings {
            "Scribe.Actors.Journal.IScribeJournalMessage, scribe" = scribe-journal
          }
        }
        """;

    private static NpgsqlConnectionStringBuilder FromUrl(string spec)
    {
        if (!Uri.TryCreate(spec, UriKind.Absolute, out var uri))
        {
            throw new FormatException($"instant.scribe.journal: '{spec}' is not a valid URL; {Usage}");
        }

        var builder = new NpgsqlConnectionStringBuilder();
        try
        {
            if (uri.Host.Length > 0)
            {
                builder.Host = uri.Host.Trim('[', ']');
            }

            if (uri.Port > 0)
            {
                builder.Port = uri.Port;
            }

            if (uri.UserInfo.Length > 0)
            {
                string[] user = uri.UserInfo.Split(':', 2);
                builder.Username = Uri.UnescapeDataString(user[0]);
                if (user.Length > 1)
                {
                    builder.Password = Uri.UnescapeDataString(user[1]);
                }
            }

            string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            if (database.Length > 0)
            {
                builder.Database = database;
            }

            foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] kv = pair.Split('=', 2);
                string key = Uri.UnescapeDataString(kv[0]);
                string value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
                builder[UrlKeyword(key)] = value;
            }
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"instant.scribe.journal: {e.Message}; {Usage}", e);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new FormatException($"instant.scribe.journal: the PostgreSQL URL names no host; {Usage}");
        }

        return builder;
    }

    // libpq's URL parameter names where they differ from Npgsql's keywords.
    private static string UrlKeyword(string key) => key.ToLowerInvariant() switch
    {
        "sslmode" => "SSL Mode",
        "user" => "Username",
        "dbname" => "Database",
        "connect_timeout" => "Timeout",
        "application_name" => "Application Name",
        "sslrootcert" => "Root Certificate",
        "sslcert" => "SSL Certificate",
        "sslkey" => "SSL Key",
        _ => key,
    };

    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
