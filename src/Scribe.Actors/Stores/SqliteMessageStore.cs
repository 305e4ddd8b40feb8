using Microsoft.Data.Sqlite;

namespace Scribe.Actors.Stores;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite, with the original Scribe's schema so databases are
/// interchangeable both ways: <c>logs(msgid INTEGER PRIMARY KEY, parent INTEGER, sender
/// INTEGER, nick TEXT, text TEXT)</c> and <c>uuid(user INTEGER PRIMARY KEY, uuid TEXT)</c>,
/// ids as integers, no timestamp column (it is <c>msgid &gt;&gt; 10</c>). Write-ahead logging;
/// each <see cref="Add"/> is one transaction, so callers batch by handing over many posts.
/// Unbounded; <c>:memory:</c> gives a database that lives as long as the store.
/// </summary>
public sealed class SqliteMessageStore : IMessageStore
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _selectUuid;
    private readonly SqliteCommand _upsertUuid;

    // COUNT(*) walks the whole table; the store has one owner, so the count is kept up to date here.
    private long? _count;

    public SqliteMessageStore(string path, string? synchronous = null)
    {
        Path = path;
        if (path != ":memory:")
        {
            ParentDirectory.Create(path);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The file is released on Dispose, so tests and conversions can reopen or move it.
            Pooling = false,
        };
        _connection = new SqliteConnection(builder.ToString());
        try
        {
            _connection.Open();
            if (path != ":memory:")
            {
                Execute("PRAGMA journal_mode=WAL");
            }

            // FULL: a committed batch is on disk before Scribe logs it. SCRIBE_DB_SYNC, as in the
            // original, may choose another level (only alphanumeric values are accepted).
            string sync = synchronous is { Length: > 0 } s && s.All(char.IsAsciiLetterOrDigit) ? s : "FULL";
            Execute($"PRAGMA synchronous={sync}");
            Execute("CREATE TABLE IF NOT EXISTS logs (msgid INTEGER PRIMARY KEY, parent INTEGER, sender INTEGER, nick TEXT, text TEXT)");
            Execute("CREATE TABLE IF NOT EXISTS uuid (user INTEGER PRIMARY KEY, uuid TEXT)");

            // SQLite opens a database it may not write (a read-only file, or one that says so in
            // its header) for reading without a word, and every post would then be lost. A
            // write that changes nothing fails now instead ("attempt to write a readonly database").
            Execute("DELETE FROM logs WHERE 0");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _insert = Prepare("INSERT OR IGNORE INTO logs (msgid, parent, sender, nick, text) VALUES ($id, $parent, $sender, $nick, $text)",
            "$id", "$parent", "$sender", "$nick", "$text");
        _update = Prepare("UPDATE logs SET parent=$parent, sender=$sender, nick=$nick, text=$text WHERE msgid=$id",
            "$id", "$parent", "$sender", "$nick", "$text");
        _selectUuid = Prepare("SELECT uuid FROM uuid WHERE user=$user", "$user");
        _upsertUuid = Prepare("INSERT OR REPLACE INTO uuid (user, uuid) VALUES ($user, $uuid)", "$user", "$uuid");
    }

    public string Path { get; }

    public int? Capacity => null;

    public IReadOnlyList<LogEntry> Add(IReadOnlyCollection<LogEntry> entries)
    {
        var added = new List<LogEntry>();
        if (entries.Count == 0)
        {
            return added;
        }

        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        _update.Transaction = transaction;
        foreach (var entry in entries)
        {
            Bind(_insert, entry);
            if (_insert.ExecuteNonQuery() == 1)
            {
                added.Add(entry);
            }
            else
            {
                // The original uses INSERT OR REPLACE: later data overwrites.
                Bind(_update, entry);
                _update.ExecuteNonQuery();
            }
        }

        transaction.Commit();
        if (_count is not null)
        {
            _count += added.Count;
        }

        added.Sort((a, b) => a.Id.CompareTo(b.Id));
        return added;
    }

    public IReadOnlyList<long> AddUuids(IReadOnlyDictionary<long, string> uuids)
    {
        var changed = new List<long>();
        if (uuids.Count == 0)
        {
            return changed;
        }

        using var transaction = _connection.BeginTransaction();
        _selectUuid.Transaction = transaction;
        _upsertUuid.Transaction = transaction;
        foreach (var (user, uuid) in uuids)
        {
            _selectUuid.Parameters[0].Value = user;
            if (_selectUuid.ExecuteScalar() is string old && old == uuid)
            {
                continue;
            }

            _upsertUuid.Parameters[0].Value = user;
            _upsertUuid.Parameters[1].Value = uuid;
            _upsertUuid.ExecuteNonQuery();
            changed.Add(user);
        }

        transaction.Commit();
        return changed;
    }

    public IReadOnlyList<LogEntry> Query(long? from, long? to, int? amount)
    {
        using var command = _connection.CreateCommand();
        const string columns = "SELECT msgid, parent, sender, nick, text FROM logs";
        bool newestFirst = false;
        if (from is { } f && to is { } t)
        {
            command.CommandText = $"{columns} WHERE msgid >= $from AND msgid <= $to ORDER BY msgid DESC LIMIT $n";
            command.Parameters.AddWithValue("$from", f);
            command.Parameters.AddWithValue("$to", t);
            newestFirst = true;
        }
        else if (from is { } f2)
        {
            command.CommandText = $"{columns} WHERE msgid >= $from ORDER BY msgid LIMIT $n";
            command.Parameters.AddWithValue("$from", f2);
        }
        else if (to is { } t2)
        {
            command.CommandText = $"{columns} WHERE msgid <= $to ORDER BY msgid DESC LIMIT $n";
            command.Parameters.AddWithValue("$to", t2);
            newestFirst = true;
        }
        else
        {
            command.CommandText = $"{columns} ORDER BY msgid DESC LIMIT $n";
            newestFirst = true;
        }

        if (command.CommandText.Contains("$n", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("$n", amount ?? -1);
        }

        var result = ReadEntries(command);
        if (newestFirst)
        {
            result.Reverse();
        }

        return result;
    }

    public IReadOnlyDictionary<long, string> GetUuids(IEnumerable<long> ids)
    {
        var result = new Dictionary<long, string>();
        _selectUuid.Transaction = null;
        foreach (var id in ids)
        {
            if (result.ContainsKey(id))
            {
                continue;
            }

            _selectUuid.Parameters[0].Value = id;
            if (_selectUuid.ExecuteScalar() is string uuid)
            {
                result[id] = uuid;
            }
        }

        return result;
    }

    public IReadOnlyList<LogEntry> Delete(IReadOnlyCollection<long> ids)
    {
        var removed = new List<LogEntry>();
        using var transaction = _connection.BeginTransaction();
        using var select = _connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT msgid, parent, sender, nick, text FROM logs WHERE msgid = $id";
        var selectId = select.Parameters.Add("$id", SqliteType.Integer);
        using var delete = _connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM logs WHERE msgid = $id";
        var deleteId = delete.Parameters.Add("$id", SqliteType.Integer);
        foreach (var id in ids)
        {
            selectId.Value = id;
            removed.AddRange(ReadEntries(select));
            deleteId.Value = id;
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
        if (_count is not null)
        {
            _count -= removed.Count;
        }

        return removed;
    }

    public LogBounds? Bounds()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT (SELECT msgid FROM logs ORDER BY msgid LIMIT 1), (SELECT msgid FROM logs ORDER BY msgid DESC LIMIT 1)";
        using var reader = command.ExecuteReader();
        reader.Read();
        if (reader.IsDBNull(0))
        {
            _count = 0;
            return null;
        }

        if (_count is null)
        {
            using var count = _connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM logs";
            _count = (long)count.ExecuteScalar()!;
        }

        return new LogBounds(reader.GetInt64(0), reader.GetInt64(1), _count.Value);
    }

    public IEnumerable<LogEntry> All()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT msgid, parent, sender, nick, text FROM logs ORDER BY msgid";
        return ReadEntries(command);
    }

    public void Dispose()
    {
        _insert.Dispose();
        _update.Dispose();
        _selectUuid.Dispose();
        _upsertUuid.Dispose();
        _connection.Dispose();
    }

    private static List<LogEntry> ReadEntries(SqliteCommand command)
    {
        var result = new List<LogEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new LogEntry(
                reader.GetInt64(0),
                ReadId(reader, 1),
                ReadId(reader, 2),
                reader.IsDBNull(3) ? null : reader.GetValue(3).ToString(),
                reader.IsDBNull(4) ? null : reader.GetValue(4).ToString()));
        }

        return result;
    }

    // The original binds ids as decimal strings and relies on INTEGER affinity; a value that
    // somehow stayed text (or a hex string) is still read if it parses.
    private static long? ReadId(SqliteDataReader reader, int column)
    {
        if (reader.IsDBNull(column))
        {
            return null;
        }

        object value = reader.GetValue(column);
        return value switch
        {
            long l => l,
            string s when long.TryParse(s, out var d) => d,
            string s when long.TryParse(s, System.Globalization.NumberStyles.HexNumber, null, out var h) => h,
            _ => null,
        };
    }

    private static void Bind(SqliteCommand command, LogEntry entry)
    {
        command.Parameters[0].Value = entry.Id;
        command.Parameters[1].Value = (object?)entry.Parent ?? DBNull.Value;
        command.Parameters[2].Value = (object?)entry.Sender ?? DBNull.Value;
        command.Parameters[3].Value = (object?)entry.Nick ?? DBNull.Value;
        command.Parameters[4].Value = (object?)entry.Text ?? DBNull.Value;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        command.Prepare();
        return command;
    }
}
