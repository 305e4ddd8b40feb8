using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Instant.Web;
using Scribe.Actors.Logging;
using Scribe.Actors.Stores;
using Xunit;
using Instant.Protocol;

namespace Scribe.Actors.Tests;

/// <summary>The real <c>scribe</c> process against our server, in process on 127.0.0.1.</summary>
public sealed class EndToEndSpecs : IAsyncLifetime
{
    private readonly TestDirectory _dir = new();
    private InstantServer _server = null!;

    public async Task InitializeAsync()
        => _server = await InstantServer.StartAsync(ServerArgs(0));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private string[] ServerArgs(int port) =>
        ["-h", "127.0.0.1", "-o", $"instant.cookies.keyfile={_dir.File("cookie.key")}", "-o", "instant.cookies.keyfile.create=true",
         "--http-log", "-", "--debug-log", "-", "-L", "WARNING", port.ToString()];

    private Uri Room(string name) => new($"ws://127.0.0.1:{_server.Port}/room/{name}/ws");

    private static async Task Eventually(Func<bool> condition, CancellationToken cancellation, string what)
    {
        // Polls a condition on an external process's files, bounded by the test's token.
        while (!condition())
        {
            if (cancellation.IsCancellationRequested)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static string[] ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }

    private static int CountTag(string path, string tag) => ReadLines(path).Count(l => l.Contains("] " + tag + " ", StringComparison.Ordinal) || l.EndsWith("] " + tag, StringComparison.Ordinal));

    [Fact]
    public async Task A_scribe_embedded_in_the_server_serves_history_to_a_late_joining_client()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string directory = _dir.File("embedded");
        await using var server = await Instant.Web.InstantServer.StartAsync(
            ["-h", "127.0.0.1", "0", "--http-log", _dir.File("http.log"), "--debug-log", _dir.File("debug.log"),
             "-o", "instant.scribe.rooms=kept", "-o", $"instant.scribe.directory={directory}"],
            cts.Token);
        var room = new Uri($"ws://127.0.0.1:{server.Port}/room/kept/ws");
        await using var alice = await RoomClient.ConnectAsync(room, cts.Token);
        // No waiting for the Scribe: the server opens its port only once it is in the room.
        for (int i = 0; i < 5; i++)
        {
            await alice.BroadcastAsync(new { type = "post", nick = "alice", text = $"kept {i}", parent = (string?)null }, cts.Token);
        }

        await Eventually(() => CountStoredPosts(Path.Combine(directory, "kept.sqlite")) == 5, cts.Token, "5 posts in the embedded Scribe's database");
        await using var bob = await RoomClient.ConnectAsync(room, cts.Token);
        await bob.BroadcastAsync(new { type = "log-query" }, cts.Token);
        var info = await bob.ReceiveAsync(f => RoomClient.IsData(f, "log-info") && (string?)f["type"] == "unicast", cts.Token);
        await bob.UnicastAsync((string)info["from"]!, new { type = "log-request", to = (string?)info["data"]!["to"] }, cts.Token);
        var logFrame = await bob.ReceiveAsync(f => RoomClient.IsData(f, "log"), cts.Token);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"kept {i}"), logFrame["data"]!["data"]!.AsArray().Select(p => (string?)p!["text"]));
        Assert.Equal(alice.Id, (string?)logFrame["data"]!["data"]![0]!["from"]);
    }

    private static int CountStoredPosts(string database)
    {
        if (!File.Exists(database))
        {
            return 0;
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM logs";
        try
        {
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0; // the file is there a moment before its tables
        }
    }

    [Fact]
    public async Task A_standalone_scribe_serves_history_to_a_late_joining_client()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string log = _dir.File("scribe.log");
        await using var alice = await RoomClient.ConnectAsync(Room("history"), cts.Token);
        using var scribe = ScribeProcess.Start("--msgdb", _dir.File("h.sqlite"), "--logfile", log, Room("history").ToString());
        await alice.ReceiveAsync(f => RoomClient.IsData(f, "nick") && (string?)f["data"]!["nick"] == "Scribe", cts.Token);

        for (int i = 0; i < 20; i++)
        {
            await alice.BroadcastAsync(new { type = "post", nick = "alice", text = $"message {i} \u2603", parent = (string?)null }, cts.Token);
        }

        await Eventually(() => CountTag(log, "POST") == 20, cts.Token, "20 POST lines");

        await using var bob = await RoomClient.ConnectAsync(Room("history"), cts.Token);
        await bob.BroadcastAsync(new { type = "log-query" }, cts.Token);
        var info = await bob.ReceiveAsync(f => RoomClient.IsData(f, "log-info") && (string?)f["type"] == "unicast", cts.Token);
        Assert.Equal(20, (int)info["data"]!["length"]!);
        string scribeId = (string)info["from"]!;

        await bob.UnicastAsync(scribeId, new { type = "log-request", to = (string?)info["data"]!["to"], key = "k1" }, cts.Token);
        var logFrame = await bob.ReceiveAsync(f => RoomClient.IsData(f, "log"), cts.Token);
        var posts = logFrame["data"]!["data"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"message {i} \u2603"), posts.Select(p => (string?)p!["text"]));
        Assert.All(posts, p => Assert.Equal(alice.Id, (string?)p!["from"]));
        Assert.Equal(alice.Uuid, (string?)logFrame["data"]!["uuids"]![alice.Id]);
        Assert.Equal("k1", (string?)logFrame["data"]!["key"]);
    }

    [Fact]
    public async Task A_new_scribe_pulls_the_whole_history_from_another_in_pages_and_leaves()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string source = _dir.File("source.sqlite");
        const long First = 0x0006884000000000;
        using (var store = new SqliteMessageStore(source))
        {
            store.Add(Enumerable.Range(0, 35).Select(i => new LogEntry(First + i * 0x400L, i == 0 ? null : First, 0x0006883000000000, "old", "history " + i)).ToList());
            store.AddUuids(new Dictionary<long, string> { [0x0006883000000000] = "00000000-0000-1000-8000-000000000001" });
        }

        await using var watcher = await RoomClient.ConnectAsync(Room("pull"), cts.Token);
        using var keeper = ScribeProcess.Start("--msgdb", source, "--maxlen", "10", "--dont-pull", "--no-log", Room("pull").ToString());
        await watcher.ReceiveAsync(f => RoomClient.IsData(f, "nick"), cts.Token);

        string target = _dir.File("target.sqlite");
        string log = _dir.File("target.log");
        var (code, _, err) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(80), "--msgdb", target, "--logfile", log, "--dont-stay", Room("pull").ToString());
        Assert.True(code == 0, err);

        using var pulled = new SqliteMessageStore(target);
        Assert.Equal(Enumerable.Range(0, 35).Select(i => "history " + i), pulled.All().Select(e => e.Text));
        Assert.Equal("00000000-0000-1000-8000-000000000001", pulled.GetUuids([0x0006883000000000])[0x0006883000000000]);
        // --maxlen 10 on the source: the history came in several requests.
        Assert.True(CountTag(log, "LOGSEND") == 0 && ReadLines(log).Count(l => l.Contains("\"log-request\"")) >= 4, "expected paging");
        Assert.Contains("\"log-done\"", File.ReadAllText(log));
    }

    [Fact]
    public async Task Every_post_a_killed_scribe_had_logged_is_in_its_database()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string log = _dir.File("crash.log");
        string db = _dir.File("crash.sqlite");
        await using var alice = await RoomClient.ConnectAsync(Room("crash"), cts.Token);
        var scribe = ScribeProcess.Start("--msgdb", db, "--logfile", log, "--dont-pull", Room("crash").ToString());
        try
        {
            await alice.ReceiveAsync(f => RoomClient.IsData(f, "nick"), cts.Token);
            using var flooding = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var flood = Task.Run(async () =>
            {
                for (int i = 0; !flooding.IsCancellationRequested && i < 200_000; i++)
                {
                    await alice.BroadcastAsync(new { type = "post", nick = "flood", text = "post " + i, parent = (string?)null }, flooding.Token);
                }
            });

            await Eventually(() => CountTag(log, "POST") >= 2000, cts.Token, "2000 POST lines");
            scribe.Kill();
            Assert.True(await scribe.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            flooding.Cancel();
            try
            {
                await flood;
            }
            catch (OperationCanceledException)
            {
            }
        }
        finally
        {
            scribe.Dispose();
        }

        var logged = ReadLines(log).Select(LogLineParser.Parse).OfType<LogLine>().Where(l => l.Tag == "POST")
            .Select(l => IdFormat.ParseLenient(l["id"] as string)!.Value).ToList();
        Assert.True(logged.Count >= 2000);
        using var store = new SqliteMessageStore(db);
        var stored = store.All().Select(e => e.Id).ToHashSet();
        var missing = logged.Where(id => !stored.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {logged.Count} logged posts missing from the database");
    }

    [Fact]
    public async Task The_cookie_file_keeps_the_identity_across_runs_and_reconnects()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string jar = _dir.File("cookies.txt");
        await using var watcher = await RoomClient.ConnectAsync(Room("cookies"), cts.Token);

        async Task<string> RunOnce(params string[] extra)
        {
            var (code, _, err) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(30),
                [.. extra, "--dont-stay", "--no-log", "--no-msgdb", Room("cookies").ToString()]);
            Assert.True(code == 0, err);
            var joined = await watcher.ReceiveAsync(f => (string?)f["type"] == "joined" && (string?)f["data"]!["id"] != watcher.Id, cts.Token);
            return (string)joined["data"]!["uuid"]!;
        }

        string first = await RunOnce("--cookies", jar);
        string second = await RunOnce("--cookies", jar);
        string anonymous = await RunOnce("--no-cookies");
        Assert.Equal(first, second);
        Assert.NotEqual(first, anonymous);
        Assert.StartsWith(CookieJarHeader + "\n", File.ReadAllText(jar));
        Assert.Contains("Set-Cookie3: uid=\"", File.ReadAllText(jar));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(jar));
        }

        // A server restart: the Scribe reconnects by itself and keeps its identity.
        using var scribe = ScribeProcess.Start("--cookies", jar, "--no-log", "--dont-pull", Room("cookies").ToString());
        var firstJoin = await watcher.ReceiveAsync(f => (string?)f["type"] == "joined" && (string?)f["data"]!["id"] != watcher.Id, cts.Token);
        Assert.Equal(first, (string?)firstJoin["data"]!["uuid"]);
        int port = _server.Port;
        await _server.DisposeAsync();
        _server = await InstantServer.StartAsync(ServerArgs(port), cts.Token);
        await using var watcher2 = await RoomClient.ConnectAsync(Room("cookies"), cts.Token);
        await watcher2.SendAsync(new { type = "who" }, cts.Token);
        var rejoin = await watcher2.ReceiveAsync(f => (string?)f["type"] == "joined" && (string?)f["data"]!["id"] != watcher2.Id, cts.Token);
        Assert.Equal(first, (string?)rejoin["data"]!["uuid"]);
    }

    private const string CookieJarHeader = Client.CookieJar.Header;

    [Fact]
    public async Task Without_a_url_scribe_converts_logfiles_into_the_database_and_exits()
    {
        string log = _dir.File("old.log");
        File.WriteAllText(log, string.Join("\n",
            "[2026-11-25 06:42:00] SCRIBE version=v1.5.6",
            "[2026-11-25 06:42:02] POST id='0005FFC2FCABA001' parent=None from='0005FFC2FCAB9000' nick='zo\\xeb' text='one'",
            "[2026-11-25 06:42:02] POST id='0005FFC2FCABA401' parent='0005FFC2FCABA001' from='0005FFC2FCAB9000' nick='a' text='two'",
            ""));
        string db = _dir.File("converted.sqlite");
        var (code, output, err) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(30), "--msgdb", db, "--read-file", log);
        Assert.True(code == 0, err);
        Assert.Contains("] LOGBOUNDS from='0005FFC2FCABA001' to='0005FFC2FCABA401' amount=2", output);
        Assert.Contains("] EXITING", output);
        using var store = new SqliteMessageStore(db);
        Assert.Equal(["one", "two"], store.All().Select(e => e.Text));
        Assert.Equal("zo\u00eb", store.All().First().Nick);
    }

    [Fact]
    public async Task A_corrupt_rotated_logfile_is_a_clear_error()
    {
        string log = _dir.File("scribe.log");
        File.WriteAllText(log, string.Empty);
        File.WriteAllText(_dir.File("scribe.2024-05-07.log.bz2"), "this is not bzip2 data at all");
        var (code, _, err) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(30), "--no-log", "--msgdb", ":memory:", "--read-file", log, "--read-rotate", "D:bz2");
        Assert.Equal(1, code);
        Assert.StartsWith("ERROR: --read-file", err);
    }

    [Fact]
    public async Task A_database_scribe_may_not_write_is_an_ERROR_line_and_exit_1_not_lost_posts()
    {
        string db = _dir.File("readonly.sqlite");
        using (var store = new SqliteMessageStore(db))
        {
            store.Add([new LogEntry(0x400, null, 1, "n", "kept")]);
        }

        StoreSpecs.MakeReadOnly(db);
        var (code, output, err) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(30), "--msgdb", db, Room("readonly").ToString());
        Assert.Equal(1, code);
        Assert.StartsWith("ERROR: --msgdb " + db, err);
        Assert.Contains("] ERROR reason=", output);
        Assert.Contains("readonly database", output);
        Assert.DoesNotContain("] CONNECT", output);
    }

    [Fact]
    public async Task A_corrupt_database_page_is_an_ERROR_line_and_exit_1_not_an_abort()
    {
        string db = _dir.File("corrupt.sqlite");
        using (var store = new SqliteMessageStore(db))
        {
            store.Add(Enumerable.Range(1, 2000).Select(i => new LogEntry(i * 0x400L, null, 1, "n", new string('x', 500))).ToList());
        }

        // A page in the middle of the posts' table becomes garbage.
        await using (var file = new FileStream(db, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Seek(20 * 4096, SeekOrigin.Begin);
            await file.WriteAsync(Enumerable.Repeat((byte)0xFF, 4096).ToArray());
        }

        var (code, output, err) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(30), "--msgdb", db);
        Assert.True(code == 1, $"exit {code}: {err}");
        Assert.StartsWith("ERROR: --msgdb " + db, err);
        Assert.Contains("] ERROR reason=\"message database failed: SqliteException(", output);
    }

    private (string Cert, string Key) SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        string certPath = _dir.File(name + ".pem");
        string keyPath = _dir.File(name + ".key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return (certPath, keyPath);
    }

    [Fact]
    public async Task Wss_works_with_the_given_ca_and_refuses_a_server_it_does_not_trust()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (cert, key) = SelfSigned("server");
        var (otherCa, _) = SelfSigned("other");
        await using var tlsServer = await InstantServer.StartAsync(
            ["-h", "127.0.0.1", "--tls", $"cert={cert},key={key}", "--http-log", "-", "--debug-log", "-", "-L", "WARNING", "0"], cts.Token);
        string url = $"wss://127.0.0.1:{tlsServer.Port}/room/tls/ws";

        string log = _dir.File("tls.log");
        var (code, _, err) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(40), "--tls", $"ca={cert}", "--dont-stay", "--no-msgdb", "--logfile", log, url);
        Assert.True(code == 0, err);
        Assert.Equal(1, CountTag(log, "OPENED"));

        string refusedLog = _dir.File("refused.log");
        using (var refused = ScribeProcess.Start("--tls", $"ca={otherCa}", "--dont-stay", "--no-msgdb", "--logfile", refusedLog, url))
        {
            await Eventually(() => CountTag(refusedLog, "ERROR") >= 2, cts.Token, "two refused connection attempts");
        }

        Assert.Equal(0, CountTag(refusedLog, "OPENED"));
    }

    [Theory]
    [InlineData("--maxlen", "0")]
    [InlineData("--bogus")]
    [InlineData("--tls", "ca=a,ca=b")]
    [InlineData("--logrotate", "Q")]
    [InlineData("http://example/")]
    [InlineData("--ping-delay", "-1")]
    public async Task Bad_command_lines_fail_with_an_error(params string[] args)
    {
        var (code, _, err) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(30), args);
        Assert.Equal(2, code);
        Assert.StartsWith("ERROR: ", err);
    }

    [Fact]
    public async Task Help_lists_every_option()
    {
        var (code, output, _) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(30), "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--maxlen", "--msgdb", "--no-msgdb", "--read-file", "--read-rotate", "--push-logs", "--dont-stay",
                     "--dont-pull", "--nick", "--no-nick", "--cookies", "--no-cookies", "--tls", "--logfile", "--logrotate", "--ping-delay", "--help" })
        {
            Assert.Contains(option + " ", output);
        }
    }
}
