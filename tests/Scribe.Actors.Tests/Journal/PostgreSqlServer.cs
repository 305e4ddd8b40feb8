using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Scribe.Actors.Tests.Journal;

/// <summary>
/// A throwaway PostgreSQL server: <c>initdb</c> into a temporary directory, <c>pg_ctl start</c> on
/// a free port of 127.0.0.1 (its Unix socket in the same directory), trust authentication for
/// the <c>postgres</c> role; stopped and deleted on dispose. PostgreSQL refuses to run as root,
/// so under root the server runs as the system's <c>postgres</c> user. Every step is bounded
/// by time. A missing installation is an error, never a skip: <c>scripts/install-test-deps.sh</c>
/// installs it.
/// </summary>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;

    private PostgreSqlServer(string bin, string root, bool asPostgresUser, int port)
    {
        _bin = bin;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>A connection string to database <paramref name="database"/> of this server.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
    }.ConnectionString;

    /// <summary>
    /// Starts a server. <paramref name="durable"/> false turns fsync off (tests: faster, nothing
    /// to lose); benchmarks keep PostgreSQL's defaults.
    /// </summary>
    public static async Task<PostgreSqlServer> StartAsync(bool durable = false)
    {
        string bin = FindBinaries();
        bool root = Environment.UserName == "root";
        string dir = Path.Combine(Path.GetTempPath(), "scribe-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        if (root)
        {
            await RunAsync("chown", ["postgres:", dir], asPostgresUser: false);
        }

        var server = new PostgreSqlServer(bin, dir, root, FreePort());
        try
        {
            await server.RunPgAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "-N"]);
            string options = $"-p {server.Port} -k {dir} -c listen_addresses=127.0.0.1" + (durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            await server.RunPgAsync("pg_ctl", ["-D", server.DataDirectory, "-l", Path.Combine(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
            return server;
        }
        catch
        {
            string log = Path.Combine(dir, "server.log");
            string tail = File.Exists(log) ? File.ReadAllText(log) : "(no server log)";
            await server.DisposeAsync();
            throw new InvalidOperationException("PostgreSQL did not start; its log:\n" + tail);
        }
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Directory.Exists(DataDirectory) && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                NpgsqlConnection.ClearAllPools();
                await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0).Select(d => Path.Combine(d, "bin"))
            : [];
        foreach (string bin in candidates.Append("/usr/local/bin").Append("/usr/bin"))
        {
            if (File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            {
                return bin;
            }
        }

        throw new InvalidOperationException("PostgreSQL's initdb and pg_ctl were not found: run scripts/install-test-deps.sh (it installs Debian's postgresql)");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private Task RunPgAsync(string tool, IReadOnlyList<string> arguments)
        => RunAsync(Path.Combine(_bin, tool), arguments, _asPostgresUser);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgresUser)
    {
        var start = new ProcessStartInfo(asPostgresUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The tools must not inherit the test's working directory (root's, unreadable to postgres).
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgresUser)
        {
            foreach (string a in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} took longer than {StepTimeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
