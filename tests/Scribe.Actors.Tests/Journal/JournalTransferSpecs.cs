using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Scribe.Actors.Client;
using Xunit;

namespace Scribe.Actors.Tests.Journal;

/// <summary>
/// <c>scribe journal import|export</c>, run in-process: a message database made exactly as the
/// original Scribe makes it (Python's sqlite3, its DDL, ids bound as integers) and a logfile go
/// into a room's journal, and back out into a database the original reads the same.
/// </summary>
public sealed class JournalTransferSpecs : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_database_of_the_originals_shape_goes_into_the_journal_and_comes_back_the_same()
    {
        string original = _dir.File("original.sqlite");
        RunPython("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute('CREATE TABLE IF NOT EXISTS logs (msgid INTEGER PRIMARY KEY, parent INTEGER, sender INTEGER, nick TEXT, text TEXT)')
            c.execute('CREATE TABLE IF NOT EXISTS uuid (user INTEGER PRIMARY KEY, uuid TEXT)')
            base = int('0005FFC2FCABA001', 16)
            for i in range(2500):
                c.execute('INSERT OR REPLACE INTO logs (msgid, parent, sender, nick, text) VALUES (?, ?, ?, ?, ?)',
                          (base + i * 1024, None if i % 10 == 0 else base + (i - i % 10) * 1024, 0x1000 + i % 3, 'zo\u00eb' if i % 2 else None, 'post %d \u2603' % i))
            for u in range(3):
                c.execute('INSERT OR REPLACE INTO uuid (user, uuid) VALUES (?, ?)', (0x1000 + u, 'uuid-%d' % u))
            c.commit()
            """, original);
        string journal = "sqlite:" + _dir.File("journal.sqlite");

        var (status, output, errors) = await RunAsync("import", "--journal", journal, "--room", "lobby", "--msgdb", original, "--batch", "1000");
        Assert.Equal(0, status);
        Assert.Contains("import: 1000/2500 posts (40%), 1000 new", errors);
        Assert.Contains("import: 2500/2500 posts (100%), 2500 new", errors);
        Assert.Contains("imported 2500 posts into room lobby (2500 new; the journal now holds 2500)", output);

        // Importing again adds nothing.
        (status, output, _) = await RunAsync("import", "--journal", journal, "--room", "lobby", "--msgdb", original, "--quiet");
        Assert.Equal(0, status);
        Assert.Contains("imported 2500 posts into room lobby (0 new; the journal now holds 2500)", output);

        string exported = _dir.File("exported.sqlite");
        (status, output, errors) = await RunAsync("export", "--journal", journal, "--room", "lobby", "--msgdb", exported, "--batch", "1000");
        Assert.Equal(0, status);
        Assert.Contains("export: 2000/2500 posts (80%)", errors);
        Assert.Contains("exported 2500 posts of room lobby", output);

        // The original's own reading: SELECT * and '%016X'.
        const string dump = """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            for row in c.execute('SELECT * FROM logs ORDER BY msgid'):
                print('%016X %s %016X %r %r' % (row[0], 'None' if row[1] is None else '%016X' % row[1], row[2], row[3], row[4]))
            for row in c.execute('SELECT * FROM uuid ORDER BY user'):
                print('%016X %s' % row)
            """;
        string before = RunPython(dump, original);
        Assert.Equal(2503, before.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(before, RunPython(dump, exported));
    }

    [Fact]
    public async Task A_logfile_goes_into_the_journal_with_its_uuids()
    {
        string logfile = _dir.File("scribe.log");
        await File.WriteAllLinesAsync(logfile,
        [
            "[2026-11-25 06:42:01] UUID id='0005FFC2FCAB9000' uuid='c0ffee00-0000-1000-8000-000000000001'",
            "[2026-11-25 06:42:02] POST id='0005FFC2FCABA001' parent=None from='0005FFC2FCAB9000' nick='zo\\xeb' text='hello\\nworld'",
            "[2026-11-25 06:42:03] LOGPOST id='0005FFC2FCABA401' parent='0005FFC2FCABA001' from='0005FFC2FCAB9000' nick='a' text=\"it's\"",
        ]);
        string journal = "sqlite:" + _dir.File("journal.sqlite");

        var (status, output, errors) = await RunAsync("import", "--journal", journal, "--room", "lobby", "--read-file", logfile);
        Assert.Equal(0, status);
        Assert.Contains("import: reading logfile", errors);
        Assert.Contains("imported 2 posts into room lobby (2 new; the journal now holds 2)", output);

        string exported = _dir.File("exported.sqlite");
        (status, _, _) = await RunAsync("export", "--journal", journal, "--room", "lobby", "--msgdb", exported);
        Assert.Equal(0, status);
        await using var connection = new SqliteConnection($"Data Source={exported};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(printf('%016X %s %s', msgid, nick, text), '|') FROM logs";
        Assert.Equal("0005FFC2FCABA001 zoë hello\nworld|0005FFC2FCABA401 a it's", await command.ExecuteScalarAsync());
        command.CommandText = "SELECT uuid FROM uuid WHERE user = 1688587811393536";
        Assert.Equal("c0ffee00-0000-1000-8000-000000000001", await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(new[] { "import", "--room", "lobby" }, "import needs --msgdb FILE or --read-file FILE")]
    [InlineData(new[] { "export", "--msgdb", "x" }, "--room is required")]
    [InlineData(new[] { "import", "--room", "a b", "--msgdb", "x" }, "is not a room name")]
    [InlineData(new[] { "export", "--room", "lobby", "--msgdb", "x", "--journal", "mysql://db" }, "instant.scribe.journal: 'mysql://db' is not a journal")]
    [InlineData(new[] { "--room", "lobby" }, "say import or export")]
    [InlineData(new[] { "import", "--room", "lobby", "--read-rotate", "D" }, "--read-rotate must follow")]
    public async Task Bad_command_lines_exit_2_with_the_reason(string[] args, string reason)
    {
        var (status, _, errors) = await RunAsync(args);
        Assert.Equal(2, status);
        Assert.Contains(reason, errors);
    }

    [Fact]
    public async Task A_missing_database_fails_with_exit_1_and_help_exits_0()
    {
        var (status, _, errors) = await RunAsync("import", "--journal", "sqlite:" + _dir.File("j.sqlite"), "--room", "lobby", "--msgdb", _dir.File("missing.sqlite"));
        Assert.Equal(1, status);
        Assert.Contains("no message database at", errors);

        var (helpStatus, help, _) = await RunAsync("--help");
        Assert.Equal(0, helpStatus);
        Assert.Contains("scribe journal import --room ROOM", help);
    }

    private static async Task<(int Status, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int status = await JournalProgram.RunAsync(args, output, errors).WaitAsync(TimeSpan.FromMinutes(2));
        return (status, output.ToString(), errors.ToString());
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
        Assert.True(process.WaitForExit(60_000), "python3 did not finish");
        Assert.True(process.ExitCode == 0, error.Result);
        return output.Result;
    }
}
