using System.Diagnostics;
using System.Runtime.InteropServices;
using Instant.Run.Config;
using Instant.Run.Master;
using Instant.Run.Posix;
using Instant.Run.Processes;

namespace Instant.Run.Cli;

/// <summary>Carries out a parsed command line: locally, through a master, or as the master.</summary>
/// <remarks>
/// The writers are obtained lazily: once .NET's console is touched it keeps duplicates of the
/// standard descriptors, and a master must be able to let go of a spawning client's pipe.
/// </remarks>
public sealed class Orchestrator(Func<TextWriter> outputWriter, Func<TextWriter> errorWriter)
{
    public Orchestrator(TextWriter output, TextWriter error) : this(() => output, () => error) { }

    private TextWriter output => outputWriter();
    private TextWriter error => errorWriter();

    /// <summary>How long a spawned master may take to start listening.</summary>
    private static readonly TimeSpan MasterStartLimit = TimeSpan.FromSeconds(60);

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        CommandLine line;
        try { line = CommandLine.Parse(args); }
        catch (FormatException e) { return Fail(e.Message); }
        if (line.Help)
        {
            await output.WriteLineAsync(CommandLine.Usage);
            return 0;
        }

        if (line.Version)
        {
            await output.WriteLineAsync(Instant.Actors.Configuration.ProductVersion.Describe("instant-run", typeof(Orchestrator).Assembly));
            return 0;
        }

        RunConfiguration config;
        try { config = RunConfiguration.Load(line.ConfigPath); }
        catch (ConfigException e) { return Fail($"Invalid configuration: {e.Message}"); }

        try
        {
            return line.Action switch
            {
                "run-master" => await RunMasterAsync(config, line.CloseFds),
                "ping" => await PingAsync(config, line.Master ?? config.Master.Mode ?? MasterMode.Auto),
                "cmd" => await CmdAsync(config, line),
                _ => await ActAsync(config, line),
            };
        }
        catch (UnknownProcessException e) { return Fail(e.Message); }
        catch (MasterUnavailableException e) { return Fail(e.Message); }
    }

    private int Fail(string message)
    {
        error.WriteLine($"ERROR: {message}");
        return 1;
    }

    private async Task<int> PingAsync(RunConfiguration config, MasterMode mode)
    {
        if (mode == MasterMode.Never)
        {
            await output.WriteLineAsync("master: IGNORED");
            return 0;
        }
        using var client = MasterClient.Connect(config.Master.CommPath);
        if (client is null)
        {
            await output.WriteLineAsync("master: NOT_RUNNING");
            return 0;
        }
        try
        {
            var reply = await client.SendAsync(["PING"], _ => { }, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            await output.WriteLineAsync(reply is ["PONG"] ? "master: RUNNING" : "master: WEIRD");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or FormatException)
        {
            await output.WriteLineAsync("master: WEIRD");
        }
        return 0;
    }

    private async Task<int> CmdAsync(RunConfiguration config, CommandLine line)
    {
        var mode = line.Master ?? config.Master.Mode ?? MasterMode.Auto;
        if (mode == MasterMode.Never) return Fail("cmd needs a master process, but --master is never");
        if (mode is MasterMode.Auto or MasterMode.Action) mode = MasterMode.Spawn;
        return await ThroughMasterAsync(config, mode, line.Names);
    }

    private async Task<int> ActAsync(RunConfiguration config, CommandLine line)
    {
        ActionRunner.Select(config, line.Names);
        var mode = line.Master ?? config.Master.Mode ?? MasterMode.Auto;
        if (mode == MasterMode.Action)
        {
            mode = line.Names.Count > 0 ? MasterMode.Auto : line.Action switch
            {
                "start" => MasterMode.Spawn,
                "restart" or "bg-restart" => MasterMode.Restart,
                "stop" => MasterMode.Stop,
                _ => MasterMode.Auto,
            };
        }
        if (mode == MasterMode.Never || (mode is MasterMode.Auto or MasterMode.Stop && !MasterListening(config)))
            return await LocallyAsync(config, line);

        List<string> words = [line.Action.ToUpperInvariant(), $"sort={line.Sort}", $"verbose={line.Verbose}"];
        if (line.Action is "start" or "stop") words.Add($"wait={line.Wait}");
        words.AddRange(line.Names);
        return await ThroughMasterAsync(config, mode, words);
    }

    private static bool MasterListening(RunConfiguration config)
    {
        using var socket = MasterClient.TryConnect(config.Master.CommPath);
        return socket is not null;
    }

    private async Task<int> LocallyAsync(RunConfiguration config, CommandLine line)
    {
        var runner = new ActionRunner(config, new StandaloneRunner(config.BaseDirectory));
        await runner.RunAsync(line.Action, line.Names, line.Sort, line.Wait, async r =>
        {
            if (line.Verbose) await output.WriteLineAsync(r.Text);
        });
        return 0;
    }

    /// <summary>Submits <paramref name="words"/> to a master, obtained as <paramref name="mode"/> says.</summary>
    private async Task<int> ThroughMasterAsync(RunConfiguration config, MasterMode mode, IReadOnlyList<string> words)
    {
        var client = MasterClient.Connect(config.Master.CommPath);
        MasterServer? foreground = null;
        Task? serving = null;
        if (client is null)
        {
            switch (mode)
            {
                case MasterMode.Always:
                    throw new MasterUnavailableException("Cannot connect to master process");
                case MasterMode.Fg:
                    foreground = new MasterServer(config, MasterLog.Open(config.Master));
                    foreground.Bind();
                    serving = foreground.RunAsync();
                    break;
                default:
                    await SpawnMasterAsync(config);
                    break;
            }
            client = MasterClient.Connect(config.Master.CommPath) ?? throw new MasterUnavailableException("Cannot connect to master process");
        }
        else if (mode == MasterMode.Restart)
        {
            var restarted = await client.SendAsync(["RESTART-MASTER"], _ => { });
            if (restarted is not ["OK"]) return Final(restarted);
        }

        int status;
        using (client)
        {
            var reply = await client.SendAsync(words, text => output.WriteLine(text));
            status = Final(reply);
            if (mode == MasterMode.Stop) await client.SendAsync(["STOP-MASTER"], _ => { });
        }
        if (foreground is not null)
        {
            using var signals = StopOnSignals(foreground);
            await serving!;
            await foreground.DisposeAsync();
        }
        return status;
    }

    private int Final(List<string> reply)
    {
        if (reply.Count > 0 && reply[0] == "ERROR")
            return Fail(reply.Count > 2 ? string.Join(' ', reply.Skip(2)) : string.Join(' ', reply.Skip(1)));
        if (reply.Count > 1) output.WriteLine(string.Join(' ', reply));
        return reply is ["FAIL"] ? 1 : 0;
    }

    /// <summary>Starts <c>instant-run run-master --close-fds</c> and waits until it closes its stdout.</summary>
    private static async Task SpawnMasterAsync(RunConfiguration config)
    {
        var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, WorkingDirectory = config.BaseDirectory };
        var self = SelfCommand.Words();
        start.FileName = self[0];
        foreach (var word in self.Skip(1)) start.ArgumentList.Add(word);
        foreach (var word in new[] { "--config", config.ConfigPath, "run-master", "--close-fds" }) start.ArgumentList.Add(word);
        using var master = Process.Start(start) ?? throw new MasterUnavailableException("Cannot start master process");
        using var limit = new CancellationTokenSource(MasterStartLimit);
        try { await master.StandardOutput.ReadToEndAsync(limit.Token); }
        catch (OperationCanceledException) { throw new MasterUnavailableException("The master process did not start listening in time"); }
        if (master.HasExited && master.ExitCode != 0)
            throw new MasterUnavailableException($"The master process failed to start (exit status {master.ExitCode})");
    }

    /// <summary>The master itself: listens until STOP-MASTER or a signal.</summary>
    private async Task<int> RunMasterAsync(RunConfiguration config, bool closeFds)
    {
        var log = MasterLog.Open(config.Master);
        await using var server = new MasterServer(config, log);
        using var signals = StopOnSignals(server);
        try { server.Bind(); }
        catch (Exception e) when (e is InvalidOperationException or System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            log.Error("server", e.Message);
            return Fail(e.Message);
        }
        if (closeFds)
        {
            // Readiness signal for a spawning client: our stdout (its pipe) closes.
            Native.NewSession();
            if (config.Master.LogFile is null) Native.RedirectToDevNull(0, 1);
            else Native.RedirectToDevNull(0, 1, 2);
        }
        // Once detached, standard error may be gone: failures must reach the log.
        AppDomain.CurrentDomain.UnhandledException += (_, e) => log.Error("server", $"Unhandled exception: {e.ExceptionObject}");
        try
        {
            await server.RunAsync();
        }
        catch (Exception e)
        {
            log.Error("server", $"Master failed: {e}");
            return 1;
        }
        return 0;
    }

    /// <summary>The first SIGINT/SIGTERM stops the master gracefully; a second one terminates at once.</summary>
    private static IDisposable StopOnSignals(MasterServer server)
    {
        var received = 0;
        void Handle(PosixSignalContext context)
        {
            if (Interlocked.Increment(ref received) == 1)
            {
                context.Cancel = true;
                server.RequestStop();
            }
        }
        return new Registrations(PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle));
    }

    private sealed class Registrations(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}

public sealed class MasterUnavailableException(string message) : Exception(message);
