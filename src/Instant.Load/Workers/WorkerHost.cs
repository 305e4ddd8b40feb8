using System.Diagnostics;
using Instant.Load.Cli;
using Instant.Load.Client;
using Instant.Load.Metrics;
using Instant.Load.Scenarios;

namespace Instant.Load.Workers;

/// <summary>The worker side: runs its share of the scenario and reports on stdout (see <see cref="WorkerProtocol"/>).</summary>
internal static class WorkerHost
{
    private sealed class StdioGate : IPhaseGate
    {
        private readonly object _out;
        public StdioGate(object output) => _out = output;

        public async Task ArriveAsync(string phase, CancellationToken ct)
        {
            lock (_out) { Console.Out.WriteLine(WorkerProtocol.Phase + phase); Console.Out.Flush(); }
            while (true)
            {
                string? line = await Console.In.ReadLineAsync(ct);
                if (line == null || line == WorkerProtocol.Go + "stop") throw new OperationCanceledException("the coordinator stopped the run");
                if (line == WorkerProtocol.Go + phase) return;
            }
        }
    }

    public static async Task<int> RunAsync(LoadOptions options)
    {
        var output = new object();
        long t0 = Stopwatch.GetTimestamp();
        var metrics = new LoadMetrics();
        using var sockets = new SocketFactory(options.Server, options.SourceAddresses);
        var ctx = new RunContext(options, metrics, sockets);
        using var stop = new CancellationTokenSource();
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
                while (await timer.WaitForNextTickAsync(stop.Token))
                    Emit(WorkerProtocol.Encode(metrics.TakeInterval(index++, Stopwatch.GetElapsedTime(t0).TotalSeconds)));
            }
            catch (OperationCanceledException) { }
        });
        // Ctrl-C reaches the whole process group: stop like the coordinator does, and still report.
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; interrupt.Cancel(); };
        var final = await new ScenarioRunner(ctx, new StdioGate(output)).RunAsync(interrupt.Token);
        await stop.CancelAsync();
        await snaps;
        Emit(WorkerProtocol.Encode(metrics.TakeInterval(index, Stopwatch.GetElapsedTime(t0).TotalSeconds)));
        Emit(WorkerProtocol.Encode(final));
        return final.Fatal == null ? 0 : 3;
    }
}
