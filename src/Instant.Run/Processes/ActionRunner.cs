using Instant.Run.Config;

namespace Instant.Run.Processes;

/// <summary>One status report: the process it concerns and its text.</summary>
public sealed record Report(string Process, string Text);

/// <summary>The actions with per-process reports; shared by standalone mode and the master.</summary>
public sealed class ActionRunner(RunConfiguration config, IProcessRunner runner)
{
    public static readonly string[] ProcessActions = ["status", "start", "stop", "restart", "bg-restart", "show"];

    /// <summary>
    /// Runs <paramref name="action"/> on the named processes (all when none are named). Reports go
    /// to <paramref name="report"/> as they arrive, or sorted by the requested order at the end.
    /// </summary>
    public async Task RunAsync(string action, IReadOnlyList<string> names, bool sort, bool wait, Func<Report, Task> report)
    {
        var processes = Select(config, names);
        var order = processes.Select(p => p.Name).ToList();
        var collected = new List<Report>();
        var gate = new SemaphoreSlim(1, 1);
        async Task Emit(Report r)
        {
            await gate.WaitAsync();
            try
            {
                if (sort) collected.Add(r);
                else await report(r);
            }
            finally
            {
                gate.Release();
            }
        }

        async Task Phase(string op, Func<ProcessConfig, Task<string>> operation) =>
            await Task.WhenAll(processes.Select(async p =>
            {
                string result;
                try { result = await operation(p); }
                catch (Exception e) { result = $"ERROR {e.Message}"; }
                await Emit(new Report(p.Name, op == "status" ? $"{p.Name}: {result}" : $"{p.Name} ({op}): {result}"));
            }));

        switch (action)
        {
            case "status":
                await Phase("status", runner.StatusAsync);
                break;
            case "start":
                await Phase("start", runner.StartAsync);
                break;
            case "stop":
                await Phase("stop", p => runner.StopAsync(p, wait));
                break;
            case "restart":
                await Phase("stop", p => runner.StopAsync(p, true));
                await Phase("start", runner.StartAsync);
                break;
            case "bg-restart":
                await Phase("warmup", runner.WarmupAsync);
                await Phase("stop", p => runner.StopAsync(p, true));
                await Phase("start", runner.StartAsync);
                break;
            case "show":
                foreach (var p in processes)
                    await Emit(new Report(p.Name, Show(p, await runner.StatusAsync(p))));
                break;
            default:
                throw new ArgumentException($"Unknown action: {action}");
        }
        // A stable sort by each report's process position in the requested order.
        foreach (var r in collected.OrderBy(r => order.IndexOf(r.Process))) await report(r);
    }

    /// <summary>The named processes, or all; unknown names give the original's error text.</summary>
    public static IReadOnlyList<ProcessConfig> Select(RunConfiguration config, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return config.Processes;
        var unknown = names.Where(n => config.Find(n) is null).Distinct().ToList();
        if (unknown.Count == 1) throw new UnknownProcessException($"Unknown process: {unknown[0]}");
        if (unknown.Count > 1) throw new UnknownProcessException($"Unknown processes: {string.Join(", ", unknown)}");
        return names.Distinct().Select(n => config.Find(n)!).ToList();
    }

    /// <summary>The <c>show</c> text: <c>[name]</c>, the configured keys in a fixed order, the status.</summary>
    public static string Show(ProcessConfig p, string status)
    {
        var lines = new List<string> { $"[{p.Name}]", $"cmdline={Flat(p.CommandText)}" };
        lines.Add("env=" + string.Join(' ', p.Environment.Select(e => $"{e.Key}={ShellWords.Quote(e.Value)}")));
        void Raw(string key)
        {
            if (p.Values.TryGetValue(key, out var v)) lines.Add($"{key}={Flat(v)}");
        }
        if (p.Values.ContainsKey("mkdirs")) lines.Add("mkdirs=" + string.Join(' ', ShellWords.Split(p.Values["mkdirs"]).Select(ShellWords.Quote)));
        foreach (var key in new[] { "pid-file-warmup", "work-dir", "stdin", "stdout", "stderr", "stop-wait", "restart-delay", "restart-min-alive", "startup-notify" })
            Raw(key);
        lines.Add($"status={status}");
        return string.Join('\n', lines);
    }

    private static string Flat(string value) => value.Replace('\n', ' ');
}

public sealed class UnknownProcessException(string message) : Exception(message);
