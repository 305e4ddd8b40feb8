using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Instant.Web.BackendConsole;
using Instant.Web.Cli;
using Instant.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Instant.Web.Tests.Operations;

/// <summary>The backend console end to end (docs/SERVER.md, Backend console): a real server, a real socket, the real client.</summary>
public sealed class BackendConsoleSpecs
{
    /// <summary>
    /// A password file entry made outside .NET (Python's hashlib.pbkdf2_hmac, salt bytes 1..32) for
    /// the password "correct horse", in the original's format: note the '.' for '+' and no padding.
    /// </summary>
    private const string OriginalEntry = "operator = AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA$poc/5Ey1Fj7/Z55o87tGn.4J6d3BXW3bH2TpruVoKYA";
    private const string Password = "correct horse";

    [Fact]
    public async Task An_original_password_file_logs_in_and_the_operator_lists_rooms_and_disconnects_a_participant()
    {
        await using var setup = await StartAsync();
        await using var client = await setup.Server.JoinAsync("console-room");

        var (status, output, error) = await RunAsync(setup, "operator", Password, "rooms\ncounters\ndisconnect " + client.ParticipantId + "\n");

        Assert.True(status == 0, error);
        Assert.Contains($"console-room 1: {client.ParticipantId}", output, StringComparison.Ordinal);
        Assert.Contains("instant.connections.open ", output, StringComparison.Ordinal);
        Assert.Contains("disconnected " + client.ParticipantId, output, StringComparison.Ordinal);
        await Eventually.SucceedsAsync(async ct =>
        {
            try
            {
                await client.ReceiveAsync(ct);
            }
            catch (Exception e) when (e is WebSocketException or InvalidOperationException)
            {
            }

            Assert.Equal((WebSocketCloseStatus)1008, client.CloseStatus);
        });
    }

    [Theory]
    [InlineData("operator", "wrong horse")]
    [InlineData("nobody", Password)]
    public async Task A_wrong_password_or_an_unknown_user_is_refused(string user, string password)
    {
        await using var setup = await StartAsync();
        var (status, output, error) = await RunAsync(setup, user, password, "rooms\n");
        Assert.Equal(1, status);
        Assert.Contains("login failed", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task A_recorded_login_replayed_on_a_new_connection_is_refused()
    {
        await using var setup = await StartAsync();
        var (salt, proof, answer) = await RawLoginAsync(setup.Endpoint, null);
        Assert.Equal("ok", answer);

        // The same bytes again: the server's fresh challenge makes the old proof worthless.
        var (_, _, replayed) = await RawLoginAsync(setup.Endpoint, proof);
        Assert.Equal("error login failed", replayed);
        Assert.NotEmpty(salt);
    }

    [Fact]
    public async Task The_password_file_is_read_again_at_every_login()
    {
        await using var setup = await StartAsync();
        Assert.Equal(1, (await RunAsync(setup, "second", "another one", "rooms\n")).Status);
        await File.AppendAllTextAsync(setup.PasswordFile, "\nsecond = " + ConsolePasswords.Hash("another one") + "\n");
        var (status, _, error) = await RunAsync(setup, "second", "another one", "config instant.console.pwfile\n");
        Assert.True(status == 0, error);
    }

    [Fact]
    public async Task Without_a_password_file_it_listens_on_a_unix_socket_and_says_reads_config_and_sets_the_log_level()
    {
        using var directory = new TempDirectory();
        string socket = directory.PathOf("console.sock");
        await using var server = await InstantTestServer.StartAsync("-o", "instant.console.addr=unix:" + socket, "-o", "instant.rooms.idleTimeout=77");
        await using var listener = await server.JoinAsync("notices");

        var output = new StringWriter();
        var error = new StringWriter();
        int status = await ConsoleClient.RunAsync(
            new UnixDomainSocketEndPoint(socket), "me", () => Task.FromResult<string?>(null),
            new StringReader("say notices Maintenance at noon\nconfig instant.rooms.idleTimeout\nloglevel FINE\nloglevel\nbogus\n"), output, error);

        Assert.Equal(1, status); // "bogus" failed; the rest did not
        Assert.Contains("unknown command 'bogus'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("instant.rooms.idleTimeout=77", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("FINE (Debug)", output.ToString(), StringComparison.Ordinal);
        var post = await listener.NextAsync(f => f.Type == "broadcast");
        Assert.Equal("Maintenance at noon", post.Data.GetProperty("text").GetString());
        Assert.Equal("Console", post.Data.GetProperty("nick").GetString());
    }

    [Fact]
    public async Task Without_a_password_file_a_non_loopback_address_is_refused()
    {
        var e = await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("-o", "instant.console.addr=*:0"));
        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hash_command_prints_an_entry_that_logs_in()
    {
        var output = new StringWriter();
        Assert.Equal(0, await ConsoleClient.MainAsync(["--hash"], new StringReader("s3cret\n"), output, new StringWriter()));
        string entry = output.ToString().Trim();
        Assert.Matches("^[A-Za-z0-9./]{43}\\$[A-Za-z0-9./]{43}$", entry);

        await using var setup = await StartAsync("admin = " + entry);
        var (status, _, error) = await RunAsync(setup, "admin", "s3cret", "rooms\n");
        Assert.True(status == 0, error);
    }

    private static async Task<Setup> StartAsync(string entry = OriginalEntry)
    {
        var directory = new TempDirectory();
        string file = directory.PathOf("console.passwd");
        await File.WriteAllTextAsync(file, "# users of the backend console\n" + entry + "\n");
        var server = await InstantTestServer.StartAsync("-o", "instant.console.addr=127.0.0.1:0", "-o", "instant.console.pwfile=" + file);
        var endpoint = server.Server.Services.GetRequiredService<ConsoleServer>().LocalEndPoint!;
        return new Setup(server, directory, file, endpoint);
    }

    private static async Task<(int Status, string Output, string Error)> RunAsync(Setup setup, string user, string password, string commands)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int status = await ConsoleClient.RunAsync(setup.Endpoint, user, () => Task.FromResult<string?>(password), new StringReader(commands), output, error)
            .WaitAsync(timeout.Token);
        return (status, output.ToString(), error.ToString());
    }

    /// <summary>Logs in as operator by hand; sends <paramref name="replay"/> as the proof instead of computing one, if given.</summary>
    private static async Task<(byte[] Salt, string Proof, string? Answer)> RawLoginAsync(EndPoint endpoint, string? replay)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(endpoint, timeout.Token);
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        Assert.Equal(ConsoleSession.Greeting + " login", await reader.ReadLineAsync(timeout.Token));
        await writer.WriteLineAsync("login operator");
        var challenge = (await reader.ReadLineAsync(timeout.Token))!.Split(' ');
        Assert.Equal("challenge", challenge[0]);
        Assert.True(ConsolePasswords.TryDecode(challenge[1], out var salt));
        Assert.True(ConsolePasswords.TryDecode(challenge[2], out var nonce));
        string proof = replay ?? ConsolePasswords.Encode(ConsolePasswords.Proof(ConsolePasswords.Key(Password, salt), nonce));
        await writer.WriteLineAsync("proof " + proof);
        return (salt, proof, await reader.ReadLineAsync(timeout.Token));
    }

    private sealed record Setup(InstantTestServer Server, TempDirectory Directory, string PasswordFile, EndPoint Endpoint) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Directory.Dispose();
        }
    }
}
