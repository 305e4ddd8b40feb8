using Instant.Run.Config;
using Instant.Run.Posix;

namespace Instant.Run.Processes;

/// <summary>Standalone mode: processes are found through their pid files only.</summary>
public sealed class StandaloneRunner(string baseDirectory) : IProcessRunner
{
    /// <summary>How long a stop waits for the process to vanish before reporting anyway.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    public Task<string> StatusAsync(ProcessConfig process) => Task.FromResult(PidFiles.Read(process.PidFile).ToString());

    public Task<string> StartAsync(ProcessConfig process)
    {
        var state = PidFiles.Read(process.PidFile);
        if (state.IsAlive) return Task.FromResult("ALREADY_RUNNING");
        var launch = ProcessLauncher.Launch(process, baseDirectory);
        if (launch.Error is not null) return Task.FromResult($"ERROR {launch.Error}");
        PidFiles.Write(process.PidFile, launch.Pid);
        return Task.FromResult($"OK {launch.Pid}");
    }

    public Task<string> StopAsync(ProcessConfig process, bool wait) => StopByPidFileAsync(process, wait);

    /// <summary>
    /// SIGTERM to the pid of the pid file, which is deleted. With <paramref name="wait"/>, waits
    /// for the process to vanish, then <c>stop-wait</c> seconds more for its resources.
    /// </summary>
    public static async Task<string> StopByPidFileAsync(ProcessConfig process, bool wait)
    {
        var state = PidFiles.Read(process.PidFile);
        PidFiles.Delete(process.PidFile);
        switch (state)
        {
            case PidState.NotRunning:
                return "NOT_RUNNING";
            case PidState.Invalid invalid:
                return invalid.ToString();
            case PidState.NotFound:
                return "NOT_FOUND";
        }
        var pid = state is PidState.Running running ? running.Pid : ((PidState.RunningPrivileged)state).Pid;
        var error = Native.Kill(pid, Native.SIGTERM);
        if (error == Native.ESRCH) return "NOT_FOUND";
        if (error != 0) return error == Native.EPERM ? "ERROR EPERM" : $"ERROR errno {error}";
        if (wait)
        {
            if (!await PidFiles.WaitGoneAsync(pid, StopTimeout)) return "STILL_RUNNING";
            if (process.StopWait > 0) await Task.Delay(TimeSpan.FromSeconds(process.StopWait));
        }
        return "OK";
    }

    public Task<string> WarmupAsync(ProcessConfig process) => Task.FromResult("NOT_SUPPORTED");
}
