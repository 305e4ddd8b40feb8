using Instant.Web;

namespace Instant.Load.Tests;

/// <summary>
/// Several of our servers in process, each on 127.0.0.1 with a free port: the nodes a run spreads
/// over. They share no state (no cluster), but speak the same protocol, which is all the load
/// tool sees. <see cref="KillAsync"/> stops one, closing its connections, like a node going away.
/// </summary>
internal sealed class TestServers : IAsyncDisposable
{
    private readonly InstantServer?[] _servers;

    private TestServers(InstantServer[] servers)
    {
        _servers = servers;
        Uris = servers.Select(s => new Uri($"ws://127.0.0.1:{s.Port}/")).ToArray();
    }

    public IReadOnlyList<Uri> Uris { get; }

    public static async Task<TestServers> StartAsync(int count, CancellationToken ct)
    {
        var servers = new List<InstantServer>();
        try
        {
            for (int i = 0; i < count; i++)
                servers.Add(await InstantServer.StartAsync(["-h", "127.0.0.1", "--http-log", "/dev/null", "--debug-log", "/dev/null", "0"], ct));
        }
        catch
        {
            foreach (var s in servers) await s.DisposeAsync();
            throw;
        }
        return new TestServers(servers.ToArray());
    }

    public async Task KillAsync(int node)
    {
        var s = _servers[node];
        _servers[node] = null;
        if (s != null) await s.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = 0; i < _servers.Length; i++) await KillAsync(i);
    }
}
