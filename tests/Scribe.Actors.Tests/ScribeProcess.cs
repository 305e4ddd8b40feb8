using System.Diagnostics;

namespace Scribe.Actors.Tests;

/// <summary>The real <c>scribe</c> executable as a child process (scribe.dll is copied next to the tests).</summary>
public sealed class ScribeProcess : IDisposable
{
    private readonly Process _process;

    private ScribeProcess(Process process) => _process = process;

    public Process Process => _process;

    /// <summary>
    /// scribe.dll in its own build output (src/Scribe.Actors/bin/CONFIG/TFM), whose deps file
    /// matches it; the copy next to the tests would resolve the test host's assemblies.
    /// </summary>
    public static string ExecutablePath { get; } = FindExecutable();

    private static string FindExecutable()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = here.Name;
        string configuration = here.Parent!.Name;
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "Scribe.Actors", "bin", configuration, tfm, "scribe.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("scribe.dll not found; build src/Scribe.Actors first");
    }

    /// <summary>`dotnet scribe.dll ARGS` with both output streams redirected.</summary>
    private static ProcessStartInfo StartInfo(string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ExecutablePath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    public static ScribeProcess Start(params string[] args)
    {
        var start = StartInfo(args);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ScribeProcess(process);
    }

    /// <summary>Runs to completion and returns (exit code, stdout, stderr).</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var start = StartInfo(args);
        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var error = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("scribe did not exit in time: " + string.Join(' ', args));
        }

        return (process.ExitCode, await output, await error);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
