using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Instant.Run.Tests;

/// <summary>
/// The example configuration of docs/RUN.md (RUNNING.md's, with its command lines pointed at our
/// executables) run as is, with <c>bin/</c> the one scripts/install.sh lays out: start, a post
/// logged by Scribe, bg-restart, another post logged after it, status, stop.
/// </summary>
[Collection(InstalledLayoutCollection.Name)]
public class RunningExampleSpecs(ITestOutputHelper output, InstalledLayout install)
{
    [Fact]
    public async Task The_documented_example_runs_the_server_and_a_scribe_end_to_end()
    {
        int port = RunSandbox.FreePort();
        await using var sandbox = new RunSandbox("") { Executable = install.Bin("instant-run") };
        var ini = DocumentedExampleSpecs.Ini();
        Assert.Contains("instant-port=8080\n", ini, StringComparison.Ordinal);
        sandbox.WriteConfigText(ini.Replace("instant-port=8080\n", $"instant-port={port}\n", StringComparison.Ordinal));
        Assert.True(install.ExitCode == 0, install.Output);
        File.CreateSymbolicLink(sandbox.PathOf("bin"), Path.Combine(install.Prefix, "bin"));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(150));

        try
        {
            var start = await sandbox.RunAsync("start");
            Assert.Equal(0, start.ExitCode);
            Assert.Equal([$"instant (start): OK {sandbox.PidIn("run/instant.pid")}", $"scribe-welcome (start): OK {sandbox.PidIn("run/scribe-welcome.pid")}"],
                start.Lines);
            Assert.NotNull(sandbox.PidIn("run/master.pid")); // mode=action spawned a master

            await PostWhenScribeIsInAsync(port, "first post, before the restart", limit.Token);
            await AwaitLogAsync(sandbox, "first post, before the restart", limit.Token);

            var restart = await sandbox.RunAsync("bg-restart");
            Assert.Equal(0, restart.ExitCode);
            var instantPid = sandbox.PidIn("run/instant.pid");
            var scribePid = sandbox.PidIn("run/scribe-welcome.pid");
            Assert.Equal([$"instant (warmup): OK {instantPid}", "instant (stop): OK", $"instant (start): OK {instantPid}",
                "scribe-welcome (warmup): NOT_SUPPORTED", "scribe-welcome (stop): OK", $"scribe-welcome (start): OK {scribePid}"],
                restart.Lines.Select(l => l.Replace("(stop): OK 0", "(stop): OK").Replace("(stop): OK -15", "(stop): OK")));

            await PostWhenScribeIsInAsync(port, "second post, after the restart", limit.Token);
            await AwaitLogAsync(sandbox, "second post, after the restart", limit.Token);

            var status = await sandbox.RunAsync("status");
            Assert.Equal([$"instant: RUNNING {instantPid}", $"scribe-welcome: RUNNING {scribePid}"], status.Lines);

            var stop = await sandbox.RunAsync("stop");
            Assert.Equal(0, stop.ExitCode);
            Assert.False(RunSandbox.Alive(instantPid!.Value));
            Assert.False(RunSandbox.Alive(scribePid!.Value));
            Assert.Equal(["master: NOT_RUNNING"], (await sandbox.RunAsync("ping")).Lines); // mode=action: stop ends the master

            // What the example's keys promise: the cookie key, the HTTP log, Scribe's database.
            Assert.Equal(64, new FileInfo(sandbox.PathOf("config/cookie-key.bin")).Length);
            Assert.Contains("GET /room/welcome/ws", sandbox.Read("log/Instant.log"), StringComparison.Ordinal);
            Assert.True(File.Exists(sandbox.PathOf("db/messages-welcome.sqlite")));
            Assert.True(File.Exists(sandbox.PathOf("config/scribe-welcome-cookies.txt")));
        }
        finally
        {
            output.WriteLine("master log:\n" + sandbox.MasterLog);
            output.WriteLine("scribe errors:\n" + sandbox.Read("log/scribe-welcome.err.log"));
        }
    }

    /// <summary>Joins &amp;welcome once the server is up, waits until a second participant (the Scribe) is there, and posts.</summary>
    private static async Task PostWhenScribeIsInAsync(int port, string text, CancellationToken cancellation)
    {
        for (int attempt = 0; ; attempt++)
        {
            using var socket = new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/room/welcome/ws"), cancellation);
            }
            catch (WebSocketException) when (attempt < 600)
            {
                await Task.Delay(100, cancellation); // the server is still starting
                continue;
            }

            await SendAsync(socket, """{"type":"who","seq":"who"}""", cancellation);
            var who = await ReceiveAsync(socket, m => m.GetProperty("type").GetString() == "who", cancellation);
            if (who.GetProperty("data").EnumerateObject().Count() >= 2)
            {
                var post = JsonSerializer.Serialize(new { type = "broadcast", seq = "post", data = new { type = "post", nick = "Tester", text } });
                await SendAsync(socket, post, cancellation);
                await ReceiveAsync(socket, m => m.GetProperty("type").GetString() == "response", cancellation);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellation);
                return;
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellation);
            await Task.Delay(100, cancellation);
        }
    }

    private static async Task AwaitLogAsync(RunSandbox sandbox, string text, CancellationToken cancellation)
    {
        // Scribe writes POST lines to its standard output (log/scribe-welcome.log) once stored.
        while (!sandbox.Read("log/scribe-welcome.log").Split('\n').Any(l => l.Contains("POST ", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal)))
        {
            await Task.Delay(50, cancellation);
        }
    }

    private static Task SendAsync(ClientWebSocket socket, string json, CancellationToken cancellation)
        => socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellation);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, Func<JsonElement, bool> wanted, CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancellation);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var json = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            if (wanted(json))
            {
                return json;
            }
        }
    }
}
