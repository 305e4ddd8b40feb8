using System.Diagnostics;
using Instant.Load.Cli;
using Instant.Load.Client;
using Instant.Load.Metrics;
using Instant.Load.Scenarios;

namespace Instant.Load.Workers;

/// <summary>The worker side: runs its share of the scenario and reports on stdout (see <see cref="WorkerProtocol"/>).</summary>
internal static class WorkerHost
{
    /// <summary>
    /// Phases released by the coordinator's <c>go NAME</c> lines. Stdin is read all along, so a
    /// <c>go stop</c> or the end of stdin (the coordinator stopped or died) stops the run in any phase.
    /// </summary>
    private sealed class StdioGate(Action<string> emit, CancellationTokenSource stop) : IPhaseGate
    {
        private readonly Dictionary<string, TaskCompletionSource> _released = new(StringComparer.Ordinal);

        private TaskCompletionSource Released(string phase)
        {
            lock (_released)
            {
                if (!_released.TryGetValue(phase, out var tcs)) _released[phase] = tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
                return tcs;
            }
        }

        public async Task ReadAsync()
        {
            try
            {
                while (true)
                {
                    string? line = await Console.In.ReadLineAsync(stop.Token);
                    if (line == null || line == WorkerProtocol.Go + "stop") break;
                    if (line.StartsWith(WorkerProtocol.Go, StringComparison.Ordinal)) Released(line[WorkerProtocol.Go.Length..]).TrySetResult();
                }
                await stop.CancelAsync();
            }
            catch (OperationCanceledException) { }
        }

        public async Task ArriveAsync(string phase, CancellationToken ct)
        {
            emit(WorkerProtocol.Phase + phase);
            await Released(phase).Task.WaitAsync(ct);
        }
    }

    public static async Task<int> RunAsync(LoadOptions options)
    {
        var output = new object();
        long t0 = Stopwatch.GetTimestamp();
        var metrics = new LoadMetrics(options.Servers.Count);
        using var sockets = new SocketFactory(options.Servers, options.SourceAddresses);
        var ctx = new RunContext(options, metrics, sockets);
        using var stopSnaps = new CancellationTokenSource();
        int index = 0;
        void Emit(string line)
        {
            lock (output) { Console.Out.WriteLine(line); Console.Out.Flush(); }
        }
        var snaps = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(stopSnaps.Token))
                    Emit(WorkerProtocol.Encode(metrics.TakeInterval(index++, Stopwatch.GetElapsedTime(t0).TotalSeconds)));
            }
            catch (OperationCanceledException) { }
        });
        // Ctrl-C and SIGTERM may reach the whole process group: stop like the coordinator does, and still report.
        using var signals = new StopSignals();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(signals.Token);
        var gate = new StdioGate(Emit, stop);
        // Console.In reads block their thread: give the reader one of its own for the whole run.
        _ = Task.Factory.StartNew(gate.ReadAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        var final = await new ScenarioRunner(ctx, gate).RunAsync(stop.Token);
        await stopSnaps.CancelAsync();
        await snaps;
        Emit(WorkerProtocol.Encode(metrics.TakeInterval(index, Stopwatch.GetElapsedTime(t0).TotalSeconds)));
        Emit(WorkerProtocol.Encode(final));
        return final.Fatal == null ? 0 : 3;
    }
}
