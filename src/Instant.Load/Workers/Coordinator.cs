using System.Diagnostics;
using Instant.Load.Cli;
using Instant.Load.Client;
using Instant.Load.Metrics;
using Instant.Load.Output;
using Instant.Load.Scenarios;

namespace Instant.Load.Workers;

/// <summary>
/// Runs a scenario: in this process when one worker suffices, otherwise by starting this same
/// executable N times as workers (each under the open-file limit), releasing them through the
/// phases together, and merging what they report. Samples the server's /proc meanwhile.
/// </summary>
internal sealed class Coordinator(LoadOptions options, Action<Aggregator>? onTick = null)
{
    public int Workers { get; } = options.Workers > 0 ? options.Workers : Math.Max(1, (int)Math.Ceiling(TotalConnections(options) / 15000.0));
    public int SourceAddresses { get; } = options.SourceAddresses > 0 ? options.SourceAddresses : Math.Max(1, (int)Math.Ceiling(TotalConnections(options) / 20000.0));

    private static double TotalConnections(LoadOptions o) => o.Scenario switch
    {
        ScenarioKind.History => o.Clients + o.Seeders,
        ScenarioKind.Churn => o.Rate * o.LifetimeSeconds * 1.2,
        _ => o.Clients,
    };

    /// <summary>Connects once to a room of its own on every node; null when that works, else which node failed and why.</summary>
    public async Task<string?> ProbeAsync(CancellationToken ct)
    {
        for (int node = 0; node < options.Servers.Count; node++)
        {
            var only = options with { Servers = [options.Servers[node]], RoomPrefix = options.RoomPrefix + "probe", Rooms = 1, Reconnect = false };
            var metrics = new LoadMetrics();
            using var sockets = new SocketFactory(only.Servers, 0);
            var ctx = new RunContext(only, metrics, sockets);
            var probe = new LoadClient(ctx, 0, 0, ClientRole.Receiver);
            bool ok = await probe.ConnectAsync(ct);
            ctx.Closing = true;
            await probe.CloseAsync();
            if (!ok) return $"cannot reach {options.Servers[node]}: {metrics.ErrorCounts().Keys.FirstOrDefault() ?? "unknown error"}";
        }
        return null;
    }

    public async Task<RunResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        long t0 = Stopwatch.GetTimestamp();
        var agg = new Aggregator(options, Workers, t0);
        var children = new List<Process>();
        using var stopSampling = new CancellationTokenSource();
        var sampler = SampleAsync(agg, t0, children, stopSampling.Token);
        string? fatal = null;
        try
        {
            if (Workers == 1) fatal = await RunInProcessAsync(agg, t0, ct);
            else fatal = await RunWorkersAsync(agg, children, ct);
        }
        finally
        {
            await stopSampling.CancelAsync();
            await sampler;
        }
        return agg.Build(started, Stopwatch.GetElapsedTime(t0).TotalSeconds, SourceAddresses, fatal);
    }

    private async Task<string?> RunInProcessAsync(Aggregator agg, long t0, CancellationToken ct)
    {
        var metrics = new LoadMetrics(options.Servers.Count);
        using var sockets = new SocketFactory(options.Servers, SourceAddresses);
        var ctx = new RunContext(options with { WorkerIndex = 0, WorkerCount = 1 }, metrics, sockets);
        var runner = new ScenarioRunner(ctx, new MarkingGate(phase => MarkPhase(agg, phase)));
        using var stopSnaps = new CancellationTokenSource();
        int index = 0;
        var snaps = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(stopSnaps.Token))
                    agg.Add(0, metrics.TakeInterval(index++, Stopwatch.GetElapsedTime(t0).TotalSeconds));
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
        var final = await runner.RunAsync(ct);
        await stopSnaps.CancelAsync();
        await snaps;
        agg.Add(0, metrics.TakeInterval(index, Stopwatch.GetElapsedTime(t0).TotalSeconds));
        agg.Finish(0, final);
        return final.Fatal;
    }

    private async Task<string?> RunWorkersAsync(Aggregator agg, List<Process> children, CancellationToken ct)
    {
        var arrivals = new Dictionary<string, int>(StringComparer.Ordinal);
        var gate = new object();
        string? fatal = null;
        for (int i = 0; i < Workers; i++)
        {
            var psi = WorkerStartInfo(i);
            var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a worker process");
            lock (children) children.Add(p);
        }
        var readers = children.Select((p, i) => Task.Run(async () =>
        {
            var errTask = p.StandardError.ReadToEndAsync(CancellationToken.None);
            string? line;
            while ((line = await p.StandardOutput.ReadLineAsync(CancellationToken.None)) != null)
            {
                if (line.StartsWith(WorkerProtocol.Snap, StringComparison.Ordinal)) agg.Add(i, WorkerProtocol.DecodeSnap(line));
                else if (line.StartsWith(WorkerProtocol.Final, StringComparison.Ordinal)) agg.Finish(i, WorkerProtocol.DecodeFinal(line));
                else if (line.StartsWith(WorkerProtocol.Phase, StringComparison.Ordinal))
                {
                    string phase = line[WorkerProtocol.Phase.Length..];
                    bool release;
                    lock (gate)
                    {
                        arrivals[phase] = arrivals.GetValueOrDefault(phase) + 1;
                        release = arrivals[phase] == Workers;
                    }
                    if (release)
                    {
                        MarkPhase(agg, phase);
                        foreach (var c in children)
                        {
                            try { await c.StandardInput.WriteLineAsync(WorkerProtocol.Go + phase); await c.StandardInput.FlushAsync(); }
                            catch (IOException) { /* that worker is gone; its exit is reported below */ }
                        }
                    }
                }
            }
            await p.WaitForExitAsync(CancellationToken.None);
            string err = await errTask;
            if (p.ExitCode != 0 && p.ExitCode != 1 && p.ExitCode != 3)
            {
                lock (gate) fatal ??= $"worker {i} exited with status {p.ExitCode}: {err.Trim()}";
                // A worker that died leaves the others waiting at a phase: release them all.
                foreach (var c in children) { try { c.StandardInput.Close(); } catch (IOException) { } }
            }
        }, CancellationToken.None)).ToList();
        using (ct.Register(() => { foreach (var c in children) { try { c.StandardInput.WriteLine(WorkerProtocol.Go + "stop"); c.StandardInput.Close(); } catch (IOException) { } catch (InvalidOperationException) { } } }))
        {
            await Task.WhenAll(readers);
        }
        foreach (var c in children) c.Dispose();
        return fatal;
    }

    /// <summary>Reads the server's CPU time as every client is released into <paramref name="phase"/>.</summary>
    private void MarkPhase(Aggregator agg, string phase)
    {
        if (options.ServerPid is int pid) agg.MarkPhase(phase, ProcessSampler.Read(pid));
    }

    private ProcessStartInfo WorkerStartInfo(int i)
    {
        string exe = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(Coordinator).Assembly.Location);
        foreach (var a in Environment.GetCommandLineArgs().Skip(1)) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--worker-index");
        psi.ArgumentList.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("--worker-count");
        psi.ArgumentList.Add(Workers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("--source-addresses");
        psi.ArgumentList.Add(SourceAddresses.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return psi;
    }

    private async Task SampleAsync(Aggregator agg, long t0, List<Process> children, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        int self = Environment.ProcessId;
        // A worker's CPU time is only readable while it runs: keep its last reading.
        var workerCpu = new Dictionary<int, double>();
        void Take()
        {
            double load = ProcessSampler.Read(self)?.CpuSeconds ?? 0;
            lock (children)
            {
                foreach (var c in children)
                {
                    try
                    {
                        if (ProcessSampler.Read(c.Id) is { } reading) workerCpu[c.Id] = reading.CpuSeconds;
                    }
                    catch (InvalidOperationException) { }
                }
            }
            load += workerCpu.Values.Sum();
            agg.Sample(Stopwatch.GetElapsedTime(t0).TotalSeconds, options.ServerPid is int pid ? ProcessSampler.Read(pid) : null, load);
            onTick?.Invoke(agg);
        }
        Take();
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) Take();
        }
        catch (OperationCanceledException) { }
        Take();
    }
}
