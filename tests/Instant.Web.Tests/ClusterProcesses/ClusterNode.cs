using System.Diagnostics;
using Instant.Web.Tests.Support;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>
/// One node of a <see cref="ProcessCluster"/>: a real <c>instant</c> process serving HTTP on
/// 127.0.0.1:<see cref="HttpPort"/>, its cluster transport on <see cref="ClusterPort"/>.
/// </summary>
public sealed class ClusterNode : IDisposable
{
    private readonly InstantProcess _process;

    private ClusterNode(InstantProcess process, int index, int httpPort, int clusterPort)
    {
        _process = process;
        Index = index;
        HttpPort = httpPort;
        ClusterPort = clusterPort;
    }

    /// <summary>The node's position in its cluster; 0 is the seed.</summary>
    public int Index { get; }

    public int HttpPort { get; }

    public int ClusterPort { get; }

    /// <summary>The node's log (its debug and HTTP logs go to standard error).</summary>
    public string Log => _process.StandardError;

    public bool HasExited => _process.HasExited;

    /// <summary>Its log lines of rooms it started again for participants already in them (a moved or lost room).</summary>
    public IEnumerable<string> RebuiltRoomLines
        => Log.Split('\n').Where(l => l.Contains(": a relay on ", StringComparison.Ordinal) && l.Contains(" brought back ", StringComparison.Ordinal));

    public static ClusterNode Start(int index, int httpPort, int clusterPort, string seeds, IReadOnlyList<string>? extraArgs = null)
        => new(InstantProcess.Start(
            ["-h", "127.0.0.1", httpPort.ToString(),
             "-o", $"instant.cluster.seeds={seeds}", "-o", $"instant.cluster.port={clusterPort}", .. extraArgs ?? []]), index, httpPort, clusterPort);

    /// <summary>Waits until the node serves: it opens its port only once it has joined the cluster and holds an id slot.</summary>
    public async Task WaitUntilServingAsync(CancellationToken cancellation)
    {
        string serving = $" on 127.0.0.1:{HttpPort}...";
        while (!Log.Split('\n').Any(line => line.Contains("Serving era ", StringComparison.Ordinal) && line.EndsWith(serving, StringComparison.Ordinal)))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"node {Index} exited while starting:\n{Log}");
            }

            await Task.Delay(50, cancellation);
        }
    }

    /// <summary>A participant of <paramref name="room"/> on this node, its identity read.</summary>
    public async Task<TestSocket> JoinAsync(string room, CancellationToken cancellation)
    {
        var socket = await ConnectAsync($"/room/{room}/ws", cancellation);
        await socket.IdentityAsync(cancellation);
        return socket;
    }

    /// <summary>A room-less <c>/api/ws</c> connection to this node, its identity read.</summary>
    public async Task<TestSocket> ApiAsync(CancellationToken cancellation)
    {
        var socket = await ConnectAsync("/api/ws", cancellation);
        await socket.IdentityAsync(cancellation);
        return socket;
    }

    /// <summary>kill -9: the process gets SIGKILL and can do nothing about it.</summary>
    public void Crash() => _process.Kill();

    /// <summary>kill -TERM: the process's graceful shutdown, as a service manager asks for it.</summary>
    public async Task TerminateAsync(CancellationToken cancellation)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() }, UseShellExecute = false })
            ?? throw new InvalidOperationException("cannot run kill");
        await kill.WaitForExitAsync(cancellation);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} exited with {kill.ExitCode}");
        }
    }

    /// <summary>The exit status, once the process has exited by itself (killed after <paramref name="limit"/>).</summary>
    public Task<int> WaitForExitAsync(TimeSpan limit) => _process.WaitForExitAsync(limit);

    public void Dispose() => _process.Dispose();

    private Task<TestSocket> ConnectAsync(string path, CancellationToken cancellation)
        => TestSocket.ConnectLeanAsync(new Uri($"ws://127.0.0.1:{HttpPort}{path}"), null, null, cancellation);
}
