using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Instant.Web.BackendConsole;

/// <summary>
/// One console connection: the login (a challenge-response on the password file's keys, so a
/// recorded session cannot be replayed), then commands, one per line. docs/SERVER.md, Backend
/// console, gives the protocol.
/// </summary>
public sealed class ConsoleSession(Stream stream, string? passwordFile, byte[] serverSecret, ConsoleCommands commands, ILogger log)
{
    public const string Greeting = "instant-console 1";
    private static readonly TimeSpan LoginTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FailureDelay = TimeSpan.FromSeconds(1);
    private const int MaxLine = 64 * 1024;

    public async Task RunAsync(CancellationToken stopping)
    {
        var reader = new StreamReader(stream, new UTF8Encoding(false), false, 4096, leaveOpen: true);
        var writer = new StreamWriter(stream, new UTF8Encoding(false), 4096, leaveOpen: true) { NewLine = "\n", AutoFlush = false };
        string? user = null;
        if (passwordFile is null)
        {
            await Send(writer, Greeting + " open");
        }
        else
        {
            await Send(writer, Greeting + " login");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            deadline.CancelAfter(LoginTimeout);
            user = await LoginAsync(reader, writer, deadline.Token);
            if (user is null)
            {
                await Task.Delay(FailureDelay, stopping);
                await Send(writer, "error login failed");
                return;
            }

            log.LogInformation("Console login by {User}", user);
            await Send(writer, "ok");
        }

        while (await ReadLineAsync(reader, stopping) is { } line)
        {
            if (line.Trim() is "quit" or "exit")
            {
                await Send(writer, "ok");
                return;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            log.LogInformation("Console command by {User}: {Command}", user ?? "(local)", line);
            var result = await commands.RunAsync(line, stopping);
            foreach (var output in result.Lines)
            {
                await writer.WriteLineAsync("| " + output);
            }

            await Send(writer, result.Error is null ? "ok" : "error " + result.Error);
        }
    }

    /// <summary>
    /// <c>login USER</c> → <c>challenge SALT NONCE</c> → <c>proof HMAC</c>. An unknown user gets a
    /// salt made from the server's secret, so the answer does not tell whether the user exists.
    /// </summary>
    private async Task<string?> LoginAsync(StreamReader reader, StreamWriter writer, CancellationToken cancellation)
    {
        if (await ReadLineAsync(reader, cancellation) is not { } login || !login.StartsWith("login ", StringComparison.Ordinal))
        {
            return null;
        }

        string user = login[6..].Trim();
        var users = ConsolePasswords.Read(passwordFile!); // re-read at every login
        bool known = users.TryGetValue(user, out var entry);
        var salt = known ? entry.Salt : HMACSHA256.HashData(serverSecret, Encoding.UTF8.GetBytes(user));
        var nonce = RandomNumberGenerator.GetBytes(32);
        await Send(writer, $"challenge {ConsolePasswords.Encode(salt)} {ConsolePasswords.Encode(nonce)}");
        if (await ReadLineAsync(reader, cancellation) is not { } proofLine || !proofLine.StartsWith("proof ", StringComparison.Ordinal)
            || !ConsolePasswords.TryDecode(proofLine[6..].Trim(), out var proof))
        {
            return null;
        }

        if (!known || !CryptographicOperations.FixedTimeEquals(proof, ConsolePasswords.Proof(entry.Key, nonce)))
        {
            log.LogWarning("Console login failed for {User}", user);
            return null;
        }

        return user;
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken cancellation)
    {
        string? line = await reader.ReadLineAsync(cancellation);
        return line is { Length: > MaxLine } ? throw new IOException("console line too long") : line;
    }

    private static async Task Send(StreamWriter writer, string line)
    {
        await writer.WriteLineAsync(line);
        await writer.FlushAsync();
    }
}
