using Instant.Load.Cli;
using Instant.Load.Workers;
using Instant.Web;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>A server that goes away mid-run stops the run with a clear cause, keeping what was measured.</summary>
public sealed class ServerGoneSpecs
{
    [Fact]
    public async Task A_server_that_stops_mid_run_ends_the_run_with_the_cause_and_the_measurements()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var server = await InstantServer.StartAsync(["-h", "127.0.0.1", "--http-log", "/dev/null", "--debug-log", "/dev/null", "0"], limit.Token);
        var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new LoadOptions
        {
            Scenario = ScenarioKind.Idle,
            Servers = [new Uri($"ws://127.0.0.1:{server.Port}/")],
            Clients = 12,
            Rooms = 2,
            DurationSeconds = 50,
            Quiet = true,
        };
        var run = new Coordinator(options, agg => { if (agg.Live()?.Totals.Open == 12) allOpen.TrySetResult(); }).RunAsync(limit.Token);
        try
        {
            await allOpen.Task.WaitAsync(limit.Token);
        }
        finally
        {
            await server.DisposeAsync();
        }
        var r = await run.WaitAsync(limit.Token);
        Assert.NotNull(r.Fatal);
        Assert.Contains("dropped every connection", r.Fatal);
        Assert.True(r.WallSeconds < 40, $"the run should stop when the server goes, not run its 50 s (took {r.WallSeconds} s)");
        Assert.Equal(12, r.Connected);
        Assert.Equal(12, r.Disconnects);
        Assert.Contains(r.Errors.Keys, k => k.StartsWith("disconnect:", StringComparison.Ordinal));
        Assert.Equal(12, r.ConnectMs.Count);
        Assert.NotEmpty(r.Timeline);
    }
}
