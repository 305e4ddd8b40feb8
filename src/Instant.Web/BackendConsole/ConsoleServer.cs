using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Instant.Web.BackendConsole;

/// <summary>
/// The backend console's listener (TCP or a UNIX socket, <see cref="ConsoleSettings"/>): each
/// connection is a <see cref="ConsoleSession"/>. Started before the HTTP port, stopped with the server.
/// </summary>
public sealed class ConsoleServer(ConsoleSettings settings, ConsoleCommands commands, ILoggerFactory logs) : IHostedService, IDisposable
{
    private readonly ILogger _log = logs.CreateLogger("Instant.Console");
    private readonly CancellationTokenSource _stopping = new();
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private Socket? _listener;
    private Task? _accepting;

    /// <summary>Where it listens (the real port when 0 was asked for).</summary>
    public EndPoint? LocalEndPoint => _listener?.LocalEndPoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var address = settings.Address;
        Socket listener;
        if (address is UnixDomainSocketEndPoint unix)
        {
            string path = unix.ToString();
            if (File.Exists(path))
            {
                File.Delete(path); // left by a server that did not stop cleanly
            }

            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }
        else
        {
            listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address is IPEndPoint { Address: var ip } && ip.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }
        }

        try
        {
            listener.Bind(address);
            if (address is UnixDomainSocketEndPoint socketFile && !OperatingSystem.IsWindows())
            {
                // Only this user may connect: the socket is the console's access control without a password file.
                File.SetUnixFileMode(socketFile.ToString(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            listener.Listen(16);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new IOException($"cannot listen on instant.console.addr {settings.Shown}: {e.Message}", e);
        }

        _listener = listener;
        _log.LogInformation("Backend console on {Address}{Auth}", listener.LocalEndPoint, settings.PasswordFile is null ? " (no password file)" : string.Empty);
        _accepting = AcceptLoopAsync(listener);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _listener?.Dispose();
        if (_accepting is { } accepting)
        {
            await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (settings.Address is UnixDomainSocketEndPoint unix)
        {
            File.Delete(unix.ToString());
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _listener?.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        await using (var stream = new NetworkStream(client, ownsSocket: false))
        {
            var session = new ConsoleSession(stream, settings.PasswordFile, _secret, commands, _log);
            try
            {
                await session.RunAsync(_stopping.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away, or the server is stopping.
            }
        }
    }
}
