using Instant.Web.Cli;

namespace Instant.Web.Tests.Support;

/// <summary>
/// A real <c>instant</c> server on 127.0.0.1 with a free port, started in-process with the same
/// arguments as the command line, logging into files of its own temporary directory.
/// </summary>
public sealed class InstantTestServer : IAsyncDisposable
{
    private readonly InstantServer _server;
    private int _disposed;

    private InstantTestServer(InstantServer server, TempDirectory directory, string httpLog, string debugLog)
    {
        _server = server;
        Directory = directory;
        HttpLogPath = httpLog;
        DebugLogPath = debugLog;
    }

    public TempDirectory Directory { get; }

    public string HttpLogPath { get; }

    public string DebugLogPath { get; }

    public int Port => _server.Port;

    public Uri BaseUri => _server.BaseUri;

    public InstantServer Server => _server;

    /// <summary>
    /// Starts a server with <c>-h 127.0.0.1 0</c>, logs in files, <c>-o instant.cookies.insecure=yes</c>
    /// unless <paramref name="extra"/> sets that key, and the <paramref name="extra"/> arguments.
    /// </summary>
    public static Task<InstantTestServer> StartAsync(params string[] extra) => StartAsync(null, extra);

    /// <summary>As <see cref="StartAsync(string[])"/>, with Akka settings of the test's own added last.</summary>
    public static async Task<InstantTestServer> StartAsync(Action<Akka.Hosting.AkkaConfigurationBuilder>? configureAkka, params string[] extra)
    {
        var directory = new TempDirectory();
        string httpLog = directory.PathOf("http.log");
        string debugLog = directory.PathOf("debug.log");
        var args = new List<string>
        {
            "-h", "127.0.0.1", "0", "--http-log", httpLog, "--debug-log", debugLog,
        };
        if (!extra.Any(a => a.StartsWith("instant.cookies.insecure", StringComparison.Ordinal)))
        {
            // Plain-HTTP test clients; the first --option for a key wins, so only when not given.
            args.AddRange(["-o", "instant.cookies.insecure=yes"]);
        }

        args.AddRange(extra);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var server = await InstantServer.StartAsync(CommandLine.Parse(args.ToArray()), null, timeout.Token, configureAkka);
            return new InstantTestServer(server, directory, httpLog, debugLog);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public Uri Http(string pathAndQuery) => new(BaseUri, pathAndQuery);

    public Uri WebSocketUri(string path)
        => new UriBuilder(BaseUri) { Scheme = BaseUri.Scheme == "https" ? "wss" : "ws", Path = path }.Uri;

    /// <summary>Connects to <c>/room/ROOM/ws</c> and reads the identity frame and this client's own <c>joined</c>.</summary>
    public async Task<TestSocket> JoinAsync(string room, ClientPath via = ClientPath.Lean, string? cookie = null, CancellationToken cancellation = default)
    {
        var socket = await TestSocket.ConnectAsync(this, $"/room/{room}/ws", via, cookie, cancellation);
        try
        {
            await socket.IdentityAsync(cancellation);
            string id = socket.ParticipantId;
            await socket.NextAsync(f => f.Type == "joined" && f.Data.GetProperty("id").GetString() == id, cancellation);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects to <c>/api/ws</c> and reads the identity frame.</summary>
    public async Task<TestSocket> ApiAsync(ClientPath via = ClientPath.Lean, CancellationToken cancellation = default)
    {
        var socket = await TestSocket.ConnectAsync(this, "/api/ws", via, null, cancellation);
        await socket.IdentityAsync(cancellation);
        return socket;
    }

    public string ReadHttpLog() => ReadShared(HttpLogPath);

    public string ReadDebugLog() => ReadShared(DebugLogPath);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await _server.DisposeAsync();
        }
        finally
        {
            Directory.Dispose();
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
