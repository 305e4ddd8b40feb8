using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Scribe.Actors.Stores;
using Xunit;
using Instant.Protocol;

namespace Scribe.Actors.Tests;

public sealed class StoreSpecs : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static LogEntry Post(long id, string text = "hi", long? parent = null)
        => new(id, parent, 0x1000 + id, "nick" + id, text);

    public static IEnumerable<object[]> Backends() => [["file"], ["sqlite-memory"], ["memory"]];

    private IMessageStore Open(string backend) => backend switch
    {
        "file" => new SqliteMessageStore(_dir.File("m.sqlite")),
        "sqlite-memory" => new SqliteMessageStore(":memory:"),
        _ => new MemoryMessageStore(null),
    };

    [Theory]
    [MemberData(nameof(Backends))]
    public void Query_follows_the_range_rules(string backend)
    {
        using var store = Open(backend);
        store.Add(Enumerable.Range(1, 10).Select(i => Post(i * 10)).ToList());

        Assert.Equal(new long[] { 30, 40, 50, 60 }, store.Query(30, 60, null).Select(e => e.Id));
        Assert.Equal(new long[] { 50, 60 }, store.Query(30, 60, 2).Select(e => e.Id));
        Assert.Equal(new long[] { 30, 40 }, store.Query(25, null, 2).Select(e => e.Id));
        Assert.Equal(new long[] { 50, 60 }, store.Query(null, 65, 2).Select(e => e.Id));
        Assert.Equal(new long[] { 90, 100 }, store.Query(null, null, 2).Select(e => e.Id));
        Assert.Equal(10, store.Query(null, null, null).Count);
        Assert.Equal(new LogBounds(10, 100, 10), store.Bounds());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Add_reports_only_new_posts_and_delete_removes(string backend)
    {
        using var store = Open(backend);
        Assert.Equal(2, store.Add([Post(1), Post(2)]).Count);
        var added = store.Add([Post(2, "again"), Post(3)]);
        Assert.Equal(new long[] { 3 }, added.Select(e => e.Id));

        var removed = store.Delete([1, 99]);
        Assert.Equal(new long[] { 1 }, removed.Select(e => e.Id));
        Assert.Equal(new long[] { 2, 3 }, store.All().Select(e => e.Id));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Uuids_report_new_and_changed_mappings(string backend)
    {
        using var store = Open(backend);
        Assert.Equal(new long[] { 5 }, store.AddUuids(new Dictionary<long, string> { [5] = "u5" }));
        Assert.Empty(store.AddUuids(new Dictionary<long, string> { [5] = "u5" }));
        Assert.Equal(new long[] { 5 }, store.AddUuids(new Dictionary<long, string> { [5] = "u5b" }));
        Assert.Equal("u5b", store.GetUuids([5, 6])[5]);
        Assert.False(store.GetUuids([6]).ContainsKey(6));
    }

    [Fact]
    public void Sqlite_replaces_duplicates_the_memory_list_keeps_the_first()
    {
        using var sqlite = new SqliteMessageStore(":memory:");
        using var memory = new MemoryMessageStore(null);
        foreach (var store in new IMessageStore[] { sqlite, memory })
        {
            store.Add([Post(1, "first")]);
            store.Add([Post(1, "second")]);
        }

        Assert.Equal("second", sqlite.All().Single().Text);
        Assert.Equal("first", memory.All().Single().Text);
    }

    [Fact]
    public void A_database_in_a_directory_not_made_yet_is_created_with_it()
    {
        var path = _dir.File("db/sub/messages-welcome.sqlite");
        using (var store = new SqliteMessageStore(path))
        {
            Assert.Single(store.Add([Post(1)]));
        }

        using var reopened = new SqliteMessageStore(path);
        Assert.Equal(1, Assert.Single(reopened.All()).Id);
    }

    [Fact]
    public void Memory_store_keeps_the_newest_maxlen_posts()
    {
        using var store = new MemoryMessageStore(3);
        store.Add(Enumerable.Range(1, 5).Select(i => Post(i)).ToList());
        Assert.Equal(new long[] { 3, 4, 5 }, store.All().Select(e => e.Id));
        Assert.Empty(store.Add([Post(1)]));
    }

    [Fact]
    public void Sqlite_memory_is_not_capped_and_null_store_keeps_nothing()
    {
        using var sqlite = new SqliteMessageStore(":memory:");
        sqlite.Add(Enumerable.Range(1, 500).Select(i => Post(i)).ToList());
        Assert.Equal(500, sqlite.Bounds()!.Count);

        using var none = MessageStores.Open(noMessageDb: true, path: null, maxLength: 10);
        Assert.Empty(none.Add([Post(1)]));
        Assert.Null(none.Bounds());
        Assert.Empty(none.Query(null, null, null));
    }

    [Fact]
    public void Sqlite_file_uses_wal_and_survives_reopening()
    {
        string path = _dir.File("wal.sqlite");
        using (var store = new SqliteMessageStore(path))
        {
            store.Add([Post(0x0005F00000000001, "persisted", parent: 0x0005F00000000000)]);
            store.AddUuids(new Dictionary<long, string> { [0x1000] = "uuid-a" });
        }

        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", command.ExecuteScalar());
            command.CommandText = "SELECT typeof(msgid), typeof(parent), typeof(sender), msgid FROM logs";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal("integer", reader.GetString(0));
            Assert.Equal("integer", reader.GetString(1));
            Assert.Equal("integer", reader.GetString(2));
            Assert.Equal(0x0005F00000000001, reader.GetInt64(3));
        }

        using var reopened = new SqliteMessageStore(path);
        var entry = reopened.All().Single();
        Assert.Equal("persisted", entry.Text);
        Assert.Equal(0x0005F00000000000, entry.Parent);
        Assert.Equal(0x0005F00000000001 >> 10, entry.Timestamp);
        Assert.Equal("uuid-a", reopened.GetUuids([0x1000])[0x1000]);
    }

    [Fact]
    public void Opens_a_database_shaped_exactly_like_the_originals()
    {
        // What the original Scribe creates and writes: its DDL, ids bound as decimal strings
        // (INTEGER affinity turns them into integers), no timestamp column, journal not WAL.
        string path = _dir.File("original.sqlite");
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = """
                CREATE TABLE logs (msgid INTEGER PRIMARY KEY, parent INTEGER, sender INTEGER, nick TEXT, text TEXT);
                CREATE TABLE uuid (user INTEGER PRIMARY KEY, uuid TEXT);
                INSERT OR REPLACE INTO logs (msgid, parent, sender, nick, text) VALUES ('1688587811397633', NULL, '1688587811373056', 'alice', 'root post');
                INSERT OR REPLACE INTO logs (msgid, parent, sender, nick, text) VALUES ('1688587811398657', '1688587811397633', '1688587811373057', 'zoë', 'reply ☃');
                INSERT OR REPLACE INTO uuid (user, uuid) VALUES ('1688587811373056', 'c0ffee00-0000-1000-8000-000000000001');
                """;
            command.ExecuteNonQuery();
        }

        using (var store = new SqliteMessageStore(path))
        {
            var entries = store.Query(null, null, null);
            Assert.Equal(2, entries.Count);
            Assert.Equal("0005FFC2FCABA001", IdFormat.ToHex(entries[0].Id));
            Assert.Null(entries[0].Parent);
            Assert.Equal(entries[0].Id, entries[1].Parent);
            Assert.Equal("zoë", entries[1].Nick);
            Assert.Equal("c0ffee00-0000-1000-8000-000000000001", store.GetUuids([1688587811373056])[1688587811373056]);

            // And what we write, the original reads with its own query and '%016X'.
            store.Add([new LogEntry(1688587811399681, null, 1688587811373056, "bob", "ours")]);
        }

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var read = check.CreateCommand();
        read.CommandText = "SELECT msgid, parent, sender, nick, text FROM logs ORDER BY msgid";
        using var reader = read.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0).ToString("X16"));
        }

        Assert.Equal(["0005FFC2FCABA001", "0005FFC2FCABA401", "0005FFC2FCABA801"], ids);
    }

    [Fact]
    public void Python_sqlite3_reads_ours_and_writes_what_ours_reads_as_the_original_does()
    {
        // The original Scribe uses Python's sqlite3 module: its DDL, int keys, SELECT * and '%016X'.
        string path = _dir.File("python.sqlite");
        RunPython("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute('CREATE TABLE IF NOT EXISTS logs (msgid INTEGER PRIMARY KEY, parent INTEGER, sender INTEGER, nick TEXT, text TEXT)')
            c.execute('CREATE TABLE IF NOT EXISTS uuid (user INTEGER PRIMARY KEY, uuid TEXT)')
            c.execute('INSERT OR REPLACE INTO logs (msgid, parent, sender, nick, text) VALUES (?, ?, ?, ?, ?)',
                      (int('0005FFC2FCABA001', 16), None, int('0005FFC2FCAB9000', 16), 'py', 'from python'))
            c.execute('INSERT OR REPLACE INTO uuid (user, uuid) VALUES (?, ?)', (int('0005FFC2FCAB9000', 16), 'py-uuid'))
            c.commit()
            """, path);

        using (var store = new SqliteMessageStore(path))
        {
            var entry = store.All().Single();
            Assert.Equal("from python", entry.Text);
            Assert.Equal(0x0005FFC2FCAB9000, entry.Sender);
            Assert.Equal("py-uuid", store.GetUuids([0x0005FFC2FCAB9000])[0x0005FFC2FCAB9000]);
            store.Add([new LogEntry(0x0005FFC2FCABA401, 0x0005FFC2FCABA001, 0x0005FFC2FCAB9000, "cs", "from C#")]);
        }

        string output = RunPython("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            for msgid, parent, sender, nick, text in c.execute('SELECT * FROM logs ORDER BY msgid'):
                print('%016X %s %016X %s %s' % (msgid, 'None' if parent is None else '%016X' % parent, sender, nick, text))
            """, path);
        Assert.Equal(
            "0005FFC2FCABA001 None 0005FFC2FCAB9000 py from python\n0005FFC2FCABA401 0005FFC2FCABA001 0005FFC2FCAB9000 cs from C#\n",
            output);
    }

    private static string RunPython(string script, string argument)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "python3 did not finish");
        Assert.True(process.ExitCode == 0, error.Result);
        return output.Result;
    }

    /// <summary>
    /// A database SQLite will only read: byte 18 of the header (the write version) above 2 makes
    /// it read-only for everyone, root included, as a read-only file does for other users.
    /// </summary>
    internal static void MakeReadOnly(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Seek(18, SeekOrigin.Begin);
        file.WriteByte(3);
    }

    [Fact]
    public void A_database_SQLite_can_only_read_is_refused_when_opened_not_found_out_at_the_first_post()
    {
        string path = _dir.File("readonly.sqlite");
        using (var store = new SqliteMessageStore(path))
        {
            store.Add([Post(10)]);
        }

        MakeReadOnly(path);
        var error = Assert.Throws<SqliteException>(() => new SqliteMessageStore(path));
        Assert.Contains("readonly", error.Message, StringComparison.Ordinal);
    }
}
