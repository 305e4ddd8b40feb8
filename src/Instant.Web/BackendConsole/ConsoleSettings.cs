using System.Net;
using System.Net.Sockets;
using Instant.Web.Cli;
using Instant.Web.Listening;

namespace Instant.Web.BackendConsole;

/// <summary>
/// The backend console from <c>instant.console.addr</c>, <c>instant.console.enabled</c> (default:
/// whether addr is set) and <c>instant.console.pwfile</c>. The address is a TCP HOST:PORT
/// (<c>[ip]:PORT</c>, <c>host[ip]:PORT</c>, <c>*:PORT</c> as in the original) or <c>unix:PATH</c>;
/// enabled without an address listens on <see cref="DefaultSocket"/>. Without a password file
/// only loopback addresses and UNIX sockets are allowed.
/// </summary>
public sealed record ConsoleSettings(EndPoint Address, string Shown, string? PasswordFile)
{
    /// <summary>The UNIX socket of a console enabled without an address: in the working directory.</summary>
    public const string DefaultSocket = "instant-console.sock";

    public static ConsoleSettings? From(InstantConfiguration config)
    {
        string? addr = config.Get("instant.console.addr") is { Length: > 0 } a ? a.Trim() : null;
        bool enabled = config.Get("instant.console.enabled") is { Length: > 0 } ? config.GetBool("instant.console.enabled") : addr is not null;
        if (!enabled)
        {
            return null;
        }

        string? pwfile = config.Get("instant.console.pwfile") is { Length: > 0 } p ? p : null;
        if (pwfile is not null && !File.Exists(pwfile))
        {
            throw new CommandLineException($"instant.console.pwfile {pwfile}: no such file");
        }

        var address = Parse(addr ?? "unix:" + DefaultSocket, "instant.console.addr");
        if (pwfile is null && address is IPEndPoint ip && !IPAddress.IsLoopback(ip.Address))
        {
            throw new CommandLineException(
                $"instant.console.addr={addr} is not a loopback address: without instant.console.pwfile the console listens only on loopback or a UNIX socket");
        }

        return new ConsoleSettings(address, addr ?? "unix:" + DefaultSocket, pwfile);
    }

    /// <summary>A console address as the server and <c>instant console</c> read it.</summary>
    public static EndPoint Parse(string text, string what)
    {
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            return new UnixDomainSocketEndPoint(Path.GetFullPath(text[5..]));
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out int port) || port is < 0 or > 65535)
        {
            throw new CommandLineException($"{what}: '{text}' is not HOST:PORT or unix:PATH");
        }

        string host = text[..colon];
        int bracket = host.IndexOf('[');
        if (bracket >= 0 && host.EndsWith(']'))
        {
            host = host[(bracket + 1)..^1]; // host[ip] binds ip; [ip] is ip
        }

        return ListenHost.Resolve(host, port, what);
    }
}
