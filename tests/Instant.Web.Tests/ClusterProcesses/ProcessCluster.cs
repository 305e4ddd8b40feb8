using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>
/// Real <c>instant</c> processes on 127.0.0.1 joined into one cluster through the
/// <c>instant.cluster.*</c> keys, each with a free HTTP port and a free cluster port; the first
/// node is the only seed. Disposing kills every node that still runs.
/// </summary>
public sealed class ProcessCluster : IDisposable
{
    /// <summary>How long a whole cluster may take to start on a busy two-core machine.</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    private readonly ClusterNode[] _nodes;

    private ProcessCluster(ClusterNode[] nodes) => _nodes = nodes;

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public ClusterNode this[int index] => _nodes[index];

    /// <summary>
    /// Starts <paramref name="count"/> nodes at once and waits until every one serves (at most
    /// <see cref="StartLimit"/>); every node also gets <paramref name="extraArgs"/>.
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(int count, CancellationToken cancellation = default, IReadOnlyList<string>? extraArgs = null)
    {
        var ports = FreePorts(2 * count);
        string seeds = $"127.0.0.1:{ports[count]}";
        var nodes = Enumerable.Range(0, count).Select(i => ClusterNode.Start(i, ports[i], ports[count + i], seeds, extraArgs ?? [])).ToArray();
        var cluster = new ProcessCluster(nodes);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(StartLimit);
            await Task.WhenAll(nodes.Select(node => node.WaitUntilServingAsync(limit.Token)));
            return cluster;
        }
        catch (OperationCanceledException)
        {
            string logs = cluster.Logs();
            cluster.Dispose();
            throw new TimeoutException($"the cluster did not start in time (at most {StartLimit.TotalSeconds} s)\n{logs}");
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Every node's log, for a failing test's output.</summary>
    public string Logs()
    {
        var all = new StringBuilder();
        foreach (var node in _nodes)
        {
            all.Append("----- node ").Append(node.Index).Append(" (http ").Append(node.HttpPort).Append(", cluster ")
                .Append(node.ClusterPort).Append(") -----\n").Append(node.Log);
        }

        return all.ToString();
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }

    /// <summary>Distinct free ports: all held at once while they are picked, then released for the nodes.</summary>
    private static int[] FreePorts(int count)
    {
        var probes = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var probe in probes)
            {
                probe.Start();
            }

            return probes.Select(p => ((IPEndPoint)p.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var probe in probes)
            {
                probe.Stop();
            }
        }
    }
}
