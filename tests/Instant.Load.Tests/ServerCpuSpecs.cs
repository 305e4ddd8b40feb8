using System.Text.Json;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>
/// The server's CPU per connection and per delivery, measured on a real server: ours, in this
/// test process, whose CPU time the executable reads through --server-pid. Other specs running
/// meanwhile add to that CPU time, so the checks are that the figures exist, are positive, add
/// up, and keep the connect phase and the delivering phase apart; not what they amount to.
/// </summary>
public sealed class ServerCpuSpecs(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>/proc counts CPU in ticks of 10 ms; each phase figure is rounded to 10 ms as well.</summary>
    private const double Tick = 0.01;

    private static async Task<JsonElement> RunAsync(string dir, params string[] args)
    {
        var (status, stdout, stderr) = await ProcessSpecs.RunAsync([.. args, "--server-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", dir, "--plain"]);
        Assert.True(status == 0, $"exit {status}: {stdout} {stderr}");
        Assert.Contains("server CPU per connection", stdout);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")));
        return doc.RootElement.Clone();
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task A_chat_run_reports_CPU_per_connection_and_per_delivery_from_separate_phases(string workers)
    {
        string dir = ProcessSpecs.TempDir();
        try
        {
            // 200 members joining one room is N²/2 join messages: CPU time enough to be seen in ticks.
            var r = await RunAsync(dir, "chat", "--server", server.SocketBase.ToString(), "-c", "200", "--posts", "100", "-w", "16",
                "--workers", workers, "--room-prefix", "cpu" + workers);
            long connected = r.GetProperty("connected").GetInt64(), delivered = r.GetProperty("delivered").GetInt64();
            Assert.Equal((200L, 200L * 100), (connected, delivered));
            double total = r.GetProperty("serverCpuSeconds").GetDouble();
            double connect = r.GetProperty("serverCpuConnectSeconds").GetDouble();
            double delivering = r.GetProperty("serverCpuDeliveringSeconds").GetDouble();
            double perConnectionMs = r.GetProperty("serverCpuPerConnectionMs").GetDouble();
            double perDeliveryUs = r.GetProperty("serverCpuPerDeliveryUs").GetDouble();
            Assert.True(connect > 0 && delivering > 0, $"connect {connect} s, delivering {delivering} s");
            Assert.Equal(connect * 1000 / connected, perConnectionMs, 0.01);
            Assert.Equal(delivering * 1e6 / delivered, perDeliveryUs, 0.5);
            // Two disjoint parts of the run: together no more than the whole.
            Assert.True(connect + delivering <= total + 2 * Tick, $"connect {connect} s + delivering {delivering} s > run {total} s");
            string html = await File.ReadAllTextAsync(Path.Combine(dir, "report.html"));
            Assert.Contains("server CPU per delivery", html);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_join_storm_reports_CPU_per_connection_and_none_per_delivery()
    {
        string dir = ProcessSpecs.TempDir();
        try
        {
            var r = await RunAsync(dir, "join-storm", "--server", server.SocketBase.ToString(), "-c", "200", "--room-prefix", "cpustorm");
            double connect = r.GetProperty("serverCpuConnectSeconds").GetDouble();
            Assert.True(connect > 0, $"connect {connect} s");
            Assert.True(connect <= r.GetProperty("serverCpuSeconds").GetDouble() + Tick);
            Assert.Equal(connect * 1000 / r.GetProperty("connected").GetInt64(), r.GetProperty("serverCpuPerConnectionMs").GetDouble(), 0.01);
            Assert.False(r.TryGetProperty("serverCpuPerDeliveryUs", out _));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
