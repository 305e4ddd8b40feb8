using Instant.Web;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>Our server, in process on 127.0.0.1 with a free port, shared by the specs of one class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private InstantServer? _server;

    public Uri SocketBase => new($"ws://127.0.0.1:{_server!.Port}/");

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _server = await InstantServer.StartAsync(["-h", "127.0.0.1", "--http-log", "/dev/null", "--debug-log", "/dev/null", "0"], cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (_server != null) await _server.DisposeAsync();
    }
}
