using Instant.Run.Posix;

namespace Instant.Run.Processes;

/// <summary>What a pid file says about a process.</summary>
public abstract record PidState
{
    public sealed record NotRunning : PidState { public override string ToString() => "NOT_RUNNING"; }
    public sealed record NotFound(int Pid) : PidState { public override string ToString() => "NOT_FOUND"; }
    public sealed record Running(int Pid) : PidState { public override string ToString() => $"RUNNING {Pid}"; }
    public sealed record RunningPrivileged(int Pid) : PidState { public override string ToString() => $"RUNNING_PRIVILEGED {Pid}"; }
    public sealed record Invalid(string Reason) : PidState { public override string ToString() => $"INVALID_PID_FILE {Reason}"; }

    public bool IsAlive => this is Running or RunningPrivileged;
}

/// <summary>Pid files and liveness of processes that need not be our children.</summary>
public static class PidFiles
{
    public static PidState Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new PidState.NotRunning();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PidState.Invalid(e.Message);
        }
        if (!int.TryParse(text.Trim(), out var pid) || pid <= 0 || !text.EndsWith('\n'))
            return new PidState.Invalid($"{path} does not hold a pid");
        return Probe(pid);
    }

    /// <summary>kill(pid, 0), treating a zombie (exited, not yet reaped) as gone.</summary>
    public static PidState Probe(int pid)
    {
        var error = Native.Kill(pid, 0);
        if (error == Native.EPERM) return new PidState.RunningPrivileged(pid);
        if (error != 0 || IsZombie(pid)) return new PidState.NotFound(pid);
        return new PidState.Running(pid);
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length && stat[afterName + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static void Write(string path, int pid)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"{pid}\n");
    }

    public static void Delete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Deletes the file only if it still names <paramref name="pid"/>.</summary>
    public static void DeleteIfOwn(string path, int pid)
    {
        try
        {
            if (File.ReadAllText(path).Trim() == pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Polls until the pid is gone or the deadline passes; true if it is gone.</summary>
    public static async Task<bool> WaitGoneAsync(int pid, TimeSpan limit, CancellationToken cancellation = default)
    {
        var deadline = DateTime.UtcNow + limit;
        while (Probe(pid).IsAlive)
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(20, cancellation);
        }
        return true;
    }
}
