using System.Net;
using System.Net.Sockets;

namespace Instant.Web.Tests.Support;

/// <summary>
/// The built <c>instant</c> as a child process of its own, so that its resident set is its
/// alone: what a hostile client makes the server hold, read from <c>/proc</c>.
/// </summary>
public sealed class ServerUnderAttack : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly InstantProcess _process;

    private ServerUnderAttack(InstantProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public bool HasExited => _process.HasExited;

    public string StandardError => _process.StandardError;

    /// <summary>The resident set now, in MB.</summary>
    public long ResidentMegabytes => ReadStatus("VmRSS:") / 1024;

    /// <summary>Starts <c>instant</c> on 127.0.0.1 with <paramref name="options"/> and waits until it accepts connections.</summary>
    public static async Task<ServerUnderAttack> StartAsync(params string[] options)
    {
        int port = FreePort();
        var process = InstantProcess.Start([.. options, "-h", "127.0.0.1", "--http-log", "/dev/null", port.ToString()]);
        var server = new ServerUnderAttack(process, port);
        using var limit = new CancellationTokenSource(StartLimit);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("instant exited while starting: " + process.StandardError);
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(IPAddress.Loopback, port, limit.Token);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100, limit.Token);
            }
        }
    }

    /// <summary>Waits until the resident set is at most <paramref name="megabytes"/>; returns the last reading.</summary>
    public async Task<long> ResidentMegabytesSettlingAtAsync(long megabytes, TimeSpan limit)
    {
        var end = DateTime.UtcNow + limit;
        long now = ResidentMegabytes;
        while (now > megabytes && DateTime.UtcNow < end)
        {
            await Task.Delay(500);
            now = ResidentMegabytes;
        }

        return now;
    }

    public void Dispose() => _process.Dispose();

    private long ReadStatus(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no {field} in /proc/{_process.Id}/status");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
