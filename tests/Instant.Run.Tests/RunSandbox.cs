using System.Diagnostics;
using Xunit;

namespace Instant.Run.Tests;

/// <summary>The outcome of one instant-run invocation.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// A scratch installation: a temporary directory with config/run.ini (master work-dir "..",
/// its log in log/master.log), in which the real instant-run executable is run. Disposing
/// stops any master and every process the pid files name.
/// </summary>
public sealed class RunSandbox : IAsyncDisposable
{
    public static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(60);

    public string Root { get; } = Directory.CreateTempSubdirectory("irun-").FullName;
    /// <summary>The instant-run under test: the built one, or another (an installed one) set by a spec.</summary>
    public string Executable { get; init; } = Path.Combine(AppContext.BaseDirectory, "instant-run");

    public RunSandbox(string processSections, string masterExtra = "")
    {
        Directory.CreateDirectory(Path.Combine(Root, "config"));
        WriteConfig(processSections, masterExtra);
    }

    public void WriteConfig(string processSections, string masterExtra = "") =>
        File.WriteAllText(Path.Combine(Root, "config", "run.ini"),
            $"[master]\nwork-dir=..\nlog-file=log/master.log\npid-file=run/master.pid\n{masterExtra}\n{processSections}");

    /// <summary>Replaces config/run.ini with <paramref name="ini"/> exactly.</summary>
    public void WriteConfigText(string ini) => File.WriteAllText(Path.Combine(Root, "config", "run.ini"), ini);

    /// <summary>A TCP port free on 127.0.0.1 for a server under test.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);
    public string Read(string relative) => File.Exists(PathOf(relative)) ? File.ReadAllText(PathOf(relative)) : "";
    public string MasterLog => Read("log/master.log");

    public void WriteScript(string name, string body)
    {
        File.WriteAllText(PathOf(name), "#!/bin/sh\n" + body);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(PathOf(name), (UnixFileMode)Convert.ToInt32("755", 8));
    }

    /// <summary>Runs instant-run in the sandbox root and waits (bounded) for it and its streams.</summary>
    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var limit = new CancellationTokenSource(CommandLimit);
        using var process = StartCli(args);
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        var error = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        return new CliResult(process.ExitCode, (await output).Replace("\r", ""), await error);
    }

    public Process StartCli(params string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    public int? PidIn(string relative) =>
        int.TryParse(Read(relative).Trim(), out var pid) ? pid : null;

    public static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited) return false;
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <summary>Polls a condition until it holds or the limit passes (then fails with the message).</summary>
    public static async Task AwaitAsync(Func<bool> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {limit.TotalSeconds}s waiting for: {what}");
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await RunAsync("--master", "always", "cmd", "STOP-MASTER"); }
        catch (OperationCanceledException) { }
        if (Directory.Exists(PathOf("run")))
        {
            foreach (var file in Directory.GetFiles(PathOf("run"), "*.pid*"))
            {
                if (!int.TryParse(File.ReadAllText(file).Trim(), out var pid)) continue;
                try { using var p = Process.GetProcessById(pid); p.Kill(); }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
            }
        }
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
