using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Instant.Run.Config;
using Xunit;
using Xunit.Abstractions;

namespace Instant.Run.Tests;

/// <summary>
/// samples/cluster: an instant-run configuration of three <c>instant</c> nodes on one machine
/// that form one cluster. It parses as documented, and run as it stands (with free ports and the
/// built <c>instant</c>) its nodes start, join, share one cookie key and relay a room's posts.
/// </summary>
public class ClusterSampleSpecs(ITestOutputHelper output)
{
    private static readonly int[] SampleHttpPorts = [8081, 8082, 8083];
    private static readonly int[] SampleClusterPorts = [4051, 4052, 4053];

    private static string SampleFile(string name) => Path.Combine(DocumentedExampleSpecs.RepositoryRoot(), "samples", "cluster", name);

    [Fact]
    public void The_sample_configures_three_nodes_that_all_know_every_seed()
    {
        var config = RunConfiguration.FromDocument(IniDocument.Parse(File.ReadAllText(SampleFile("run.ini"))), "/repo/samples/cluster/run.ini", "/");

        Assert.Equal("/repo/samples/cluster", config.BaseDirectory);
        Assert.Equal(["node-1", "node-2", "node-3"], config.Processes.Select(p => p.Name));
        string seeds = "instant.cluster.seeds=127.0.0.1:4051,127.0.0.1:4052,127.0.0.1:4053";
        for (int i = 0; i < 3; i++)
        {
            var node = config.Processes[i];
            Assert.Equal(["/bin/sh", "node.sh", "../../src/Instant.Web/bin/Release/net10.0/instant", "-h", "127.0.0.1", $"{SampleHttpPorts[i]}",
                $"--http-log=log/node-{i + 1}.http.log", "-o", seeds, "-o", $"instant.cluster.port={SampleClusterPorts[i]}"], node.Command);
            Assert.Equal([KeyValuePair.Create("INSTANT_COOKIES_KEYFILE", "run/cookie-key.bin")], node.Environment);
            Assert.Equal("/repo/samples/cluster/run/node-" + (i + 1) + ".pid", node.PidFile);
            Assert.Equal(1.0, node.RestartDelay);
        }
    }

    [Fact]
    public async Task The_sample_starts_three_nodes_that_form_one_cluster()
    {
        var httpPorts = SampleHttpPorts.Select(_ => RunSandbox.FreePort()).ToArray();
        var clusterPorts = SampleClusterPorts.Select(_ => RunSandbox.FreePort()).ToArray();
        await using var sandbox = new RunSandbox("");
        string ini = File.ReadAllText(SampleFile("run.ini"));
        ini = Replace(ini, "instant=../../src/Instant.Web/bin/Release/net10.0/instant\n", $"instant={BuiltExecutables.Instant}\n");
        var freePorts = SampleHttpPorts.Zip(httpPorts).Concat(SampleClusterPorts.Zip(clusterPorts)).ToDictionary(p => $"{p.First}", p => $"{p.Second}");
        Assert.All(freePorts.Keys, sample => Assert.Contains(sample, ini, StringComparison.Ordinal));
        ini = Regex.Replace(ini, @"\b\d{4}\b", m => freePorts.GetValueOrDefault(m.Value, m.Value));

        // The sample's master works in its own directory; here, the sandbox's root, where the sandbox looks for pid files to clean up.
        File.WriteAllText(sandbox.PathOf("run.ini"), ini);
        File.Copy(SampleFile("node.sh"), sandbox.PathOf("node.sh"));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        try
        {
            var start = await sandbox.RunAsync("--config", "run.ini", "start");
            Assert.Equal(0, start.ExitCode);
            Assert.Equal(Enumerable.Range(1, 3).Select(n => $"node-{n} (start): OK {sandbox.PidIn($"run/node-{n}.pid")}"), start.Lines);

            // Each node opens its HTTP port once it has joined; the same `uid` cookie is good on all of them.
            var first = await ConnectAsync(httpPorts[0], null, limit.Token);
            string cookie = first.Socket.HttpResponseHeaders!["Set-Cookie"].Single().Split(';')[0];
            var clients = new List<(ClientWebSocket Socket, JsonElement Identity)> { first };
            foreach (int port in httpPorts.Skip(1))
            {
                clients.Add(await ConnectAsync(port, cookie, limit.Token));
            }

            Assert.All(clients, c => Assert.Equal(first.Identity.GetProperty("uuid").GetString(), c.Identity.GetProperty("uuid").GetString()));
            Assert.Equal(3, clients.Select(c => c.Identity.GetProperty("id").GetString()).Distinct().Count());

            // One room across the three nodes: a post from the first node reaches the last.
            await SendAsync(clients[2].Socket, """{"type":"who","seq":"w"}""", limit.Token);
            await ReceiveAsync(clients[2].Socket, m => m.GetProperty("type").GetString() == "who", limit.Token);
            await SendAsync(clients[0].Socket, """{"type":"broadcast","seq":"p","data":"across the cluster"}""", limit.Token);
            var post = await ReceiveAsync(clients[2].Socket, m => m.GetProperty("type").GetString() == "broadcast", limit.Token);
            Assert.Equal("across the cluster", post.GetProperty("data").GetString());
            foreach (var client in clients)
            {
                client.Socket.Dispose();
            }

            var stop = await sandbox.RunAsync("--config", "run.ini", "stop");
            Assert.Equal(0, stop.ExitCode);
            Assert.Equal(["node-1 (stop): OK 0", "node-2 (stop): OK 0", "node-3 (stop): OK 0"], stop.Lines);
            Assert.Contains("Joined the cluster; this node makes ids in slot", sandbox.Read("log/node-3.log"), StringComparison.Ordinal);
        }
        finally
        {
            output.WriteLine("master log:\n" + sandbox.MasterLog);
            for (int n = 1; n <= 3; n++)
            {
                output.WriteLine($"node-{n}:\n" + sandbox.Read($"log/node-{n}.log"));
            }
        }
    }

    private static string Replace(string text, string sample, string replacement)
    {
        Assert.Contains(sample, text, StringComparison.Ordinal);
        return text.Replace(sample, replacement, StringComparison.Ordinal);
    }

    /// <summary>Joins &amp;sample on the node at <paramref name="port"/> once it serves; returns the socket and its identity.</summary>
    private static async Task<(ClientWebSocket Socket, JsonElement Identity)> ConnectAsync(int port, string? cookie, CancellationToken cancellation)
    {
        while (true)
        {
            var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            if (cookie is not null)
            {
                socket.Options.SetRequestHeader("Cookie", cookie);
            }

            try
            {
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/room/sample/ws"), cancellation);
            }
            catch (WebSocketException)
            {
                socket.Dispose();
                await Task.Delay(100, cancellation); // not serving yet: still joining the cluster
                continue;
            }

            var identity = await ReceiveAsync(socket, m => m.GetProperty("type").GetString() == "identity", cancellation);
            return (socket, identity.GetProperty("data"));
        }
    }

    private static Task SendAsync(ClientWebSocket socket, string json, CancellationToken cancellation)
        => socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellation);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, Func<JsonElement, bool> wanted, CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancellation);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var json = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            if (wanted(json))
            {
                return json;
            }
        }
    }
}
