namespace Instant.Web.Sockets;

/// <summary>
/// Counts open WebSockets and refuses more than the cap, which sits below the process's
/// open-file limit so the server stays reachable (static files, diagnostics) when full.
/// </summary>
public sealed class ConnectionGate(int max)
{
    private int _open;

    public int Max => max;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _open) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _open);

    /// <summary>The default cap: the soft open-file limit less a reserve for everything else.</summary>
    public static int DefaultMax()
    {
        long limit = OpenFileLimit() ?? 1024;
        long reserve = Math.Max(128, limit / 10);
        return (int)Math.Clamp(limit - reserve, 16, int.MaxValue);
    }

    /// <summary>
    /// The default cap on all connections, WebSockets and plain HTTP (and those that never send
    /// a request): the open-file limit less a smaller reserve, so that idle connections cannot
    /// take the descriptors the server needs for files, logs and databases.
    /// </summary>
    public static int DefaultConnectionsMax()
    {
        long limit = OpenFileLimit() ?? 1024;
        long reserve = Math.Max(64, limit / 20);
        return (int)Math.Clamp(limit - reserve, 32, int.MaxValue);
    }

    private static long? OpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.TryParse(fields[0], out long soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
