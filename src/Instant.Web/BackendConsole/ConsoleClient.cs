using System.Net;
using System.Net.Sockets;
using System.Text;
using Instant.Web.Cli;

namespace Instant.Web.BackendConsole;

/// <summary>
/// <c>instant console [ADDR] [-u USER]</c>: logs into a server's backend console and runs the
/// commands read from standard input, one per line, printing their output; and
/// <c>instant console --hash</c>, which reads a password and prints its password-file entry value.
/// </summary>
public static class ConsoleClient
{
    public const string Usage = """
        Usage: instant console [ADDR] [-u USER]
               instant console --hash

        Connects to the backend console of a running server at ADDR (HOST:PORT or unix:PATH;
        default unix:instant-console.sock) and runs the commands read from standard input, one
        per line (type help for the list). With a password file on the server, USER (default:
        $USER) logs in with the password from INSTANT_CONSOLE_PASSWORD, else from the terminal,
        else from the first line of standard input.

        --hash reads a password (the same way) and prints salt$hash for the password file:
          echo 'USER = '"$(instant console --hash)" >> console.passwd
        """;

    public static async Task<int> MainAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        string? address = null;
        string? user = null;
        bool hash = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--hash":
                    hash = true;
                    break;
                case "-u" or "--user" when i + 1 < args.Length:
                    user = args[++i];
                    break;
                case "-?" or "--help":
                    await output.WriteLineAsync(Usage);
                    return 0;
                case { } a when !a.StartsWith('-') && address is null:
                    address = a;
                    break;
                default:
                    await error.WriteLineAsync($"instant console: unexpected argument '{args[i]}'\n{Usage}");
                    return 2;
            }
        }

        if (hash)
        {
            string? password = await ReadPasswordAsync(input, error);
            if (string.IsNullOrEmpty(password))
            {
                await error.WriteLineAsync("instant console: no password given");
                return 2;
            }

            await output.WriteLineAsync(ConsolePasswords.Hash(password));
            return 0;
        }

        EndPoint endpoint;
        try
        {
            endpoint = ConsoleSettings.Parse(address ?? "unix:" + ConsoleSettings.DefaultSocket, "address");
        }
        catch (CommandLineException e)
        {
            await error.WriteLineAsync("instant console: " + e.Message);
            return 2;
        }

        return await RunAsync(endpoint, user ?? Environment.UserName, () => ReadPasswordAsync(input, error), input, output, error);
    }

    /// <summary>Logs in (if the server asks) and runs every line of <paramref name="commands"/>; 0 when all succeeded, 1 otherwise.</summary>
    public static async Task<int> RunAsync(
        EndPoint endpoint, string user, Func<Task<string?>> password, TextReader commands, TextWriter output, TextWriter error)
    {
        using var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint);
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"instant console: cannot connect to {endpoint}: {e.Message}");
            return 1;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        string? greeting = await reader.ReadLineAsync();
        if (greeting is null || !greeting.StartsWith(ConsoleSession.Greeting + " ", StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"instant console: {endpoint} is not an instant backend console");
            return 1;
        }

        if (greeting.EndsWith(" login", StringComparison.Ordinal) && !await LoginAsync(reader, writer, user, password, error))
        {
            return 1;
        }

        int status = 0;
        while (await commands.ReadLineAsync() is { } command)
        {
            if (command.Trim().Length == 0)
            {
                continue;
            }

            await writer.WriteLineAsync(command);
            while (await reader.ReadLineAsync() is { } reply)
            {
                if (reply.StartsWith("| ", StringComparison.Ordinal))
                {
                    await output.WriteLineAsync(reply[2..]);
                    continue;
                }

                if (reply.StartsWith("error ", StringComparison.Ordinal))
                {
                    await error.WriteLineAsync("error: " + reply[6..]);
                    status = 1;
                }

                break;
            }

            if (command.Trim() is "quit" or "exit")
            {
                break;
            }
        }

        return status;
    }

    private static async Task<bool> LoginAsync(StreamReader reader, StreamWriter writer, string user, Func<Task<string?>> password, TextWriter error)
    {
        string? secret = await password();
        await writer.WriteLineAsync("login " + user);
        var challenge = (await reader.ReadLineAsync())?.Split(' ');
        if (challenge is not ["challenge", var saltText, var nonceText]
            || !ConsolePasswords.TryDecode(saltText, out var salt) || !ConsolePasswords.TryDecode(nonceText, out var nonce))
        {
            await error.WriteLineAsync("instant console: the server did not send a login challenge");
            return false;
        }

        var proof = ConsolePasswords.Proof(ConsolePasswords.Key(secret ?? string.Empty, salt), nonce);
        await writer.WriteLineAsync("proof " + ConsolePasswords.Encode(proof));
        if (await reader.ReadLineAsync() != "ok")
        {
            await error.WriteLineAsync("instant console: login failed");
            return false;
        }

        return true;
    }

    /// <summary>INSTANT_CONSOLE_PASSWORD, else the terminal (not echoed), else the first line of <paramref name="input"/>.</summary>
    private static async Task<string?> ReadPasswordAsync(TextReader input, TextWriter error)
    {
        if (Environment.GetEnvironmentVariable("INSTANT_CONSOLE_PASSWORD") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (ReferenceEquals(input, Console.In) && !Console.IsInputRedirected)
        {
            await error.WriteAsync("Password: ");
            var typed = new StringBuilder();
            while (Console.ReadKey(intercept: true) is { Key: not ConsoleKey.Enter } key)
            {
                if (key.Key == ConsoleKey.Backspace && typed.Length > 0)
                {
                    typed.Length--;
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    typed.Append(key.KeyChar);
                }
            }

            await error.WriteLineAsync();
            return typed.ToString();
        }

        return await input.ReadLineAsync();
    }
}
