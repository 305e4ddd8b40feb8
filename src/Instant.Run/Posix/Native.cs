using System.Runtime.InteropServices;

namespace Instant.Run.Posix;

/// <summary>The few libc calls .NET does not expose: signals by pid, sessions, fd redirection.</summary>
internal static partial class Native
{
    public const int SIGTERM = 15;
    public const int ESRCH = 3;
    public const int EPERM = 1;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    /// <summary>Sends a signal; returns 0 or the errno.</summary>
    public static int Kill(int pid, int signal) => kill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Detaches from the controlling terminal's session; failure (already a leader) is harmless.</summary>
    public static void NewSession() => _ = setsid();

    /// <summary>
    /// Points the given descriptors at /dev/null (the original's --close-fds), and also the
    /// duplicates the .NET runtime made of them at startup, so that whatever they referred to
    /// (e.g. a spawning client's pipe) is really let go.
    /// </summary>
    public static void RedirectToDevNull(params int[] fds)
    {
        const int O_RDWR = 2;
        var targets = fds.Select(fd => LinkOf(fd)).Where(t => t is not null && t != "/dev/null").ToHashSet();
        var devNull = open("/dev/null", O_RDWR);
        if (devNull < 0) return;
        foreach (var fd in fds) dup2(devNull, fd);
        foreach (var entry in SafeListFds())
        {
            if (entry == devNull || fds.Contains(entry) || entry <= 2) continue;
            if (LinkOf(entry) is { } target && targets.Contains(target)) dup2(devNull, entry);
        }
        if (Array.IndexOf(fds, devNull) < 0) close(devNull);
    }

    private static string? LinkOf(int fd)
    {
        try { return new FileInfo($"/proc/self/fd/{fd}").LinkTarget; }
        catch (IOException) { return null; }
    }

    private static IEnumerable<int> SafeListFds()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Select(Path.GetFileName)
                .Select(n => int.TryParse(n, out var fd) ? fd : -1).Where(fd => fd >= 0).ToList();
        }
        catch (IOException) { return []; }
    }
}
