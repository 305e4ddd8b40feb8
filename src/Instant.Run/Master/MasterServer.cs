using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Instant.Run.Config;
using Instant.Run.Processes;

namespace Instant.Run.Master;

/// <summary>
/// The master process: one <see cref="ProcessActor"/> per configured process under an actor
/// system, and a UNIX domain socket on which it takes commands (one lock serialises actions).
/// </summary>
public sealed class MasterServer : IAsyncDisposable
{
    private readonly string _configPath;
    private readonly MasterLog _log;
    private ActorSystem? _system;
    // Read by connections (NOTIFY takes no lock) while RESTART-MASTER may add entries.
    private readonly ConcurrentDictionary<string, IActorRef> _actors = new(StringComparer.Ordinal);
    // The notify key of each process: random, so that only the instances we start can use it.
    private readonly ConcurrentDictionary<string, string> _notifyKeys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _actionLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunConfiguration _config;
    // Processes dropped from the configuration by RESTART-MASTER: still addressable, stop-only.
    private readonly Dictionary<string, ProcessConfig> _husks = new(StringComparer.Ordinal);
    private Socket? _listener;
    private int _clientCount;

    public MasterServer(RunConfiguration config, MasterLog log)
    {
        _config = config;
        _configPath = config.ConfigPath;
        _log = log;
    }

    public RunConfiguration Config => _config;

    /// <summary>Completes when the master has been told to stop.</summary>
    public Task Stopped => _stopped.Task;

    public void RequestStop() => _stopping.Cancel();

    private void ApplyConfig(RunConfiguration config)
    {
        var system = _system ?? throw new InvalidOperationException("The master is not running");
        foreach (var process in config.Processes)
        {
            if (_actors.TryGetValue(process.Name, out var actor)) actor.Tell(new ReplaceConfig(process));
            else
            {
                _actors[process.Name] = system.ActorOf(ProcessActor.Props(process, config.BaseDirectory, _log), "proc-" + Uri.EscapeDataString(process.Name));
                _notifyKeys[process.Name] = Guid.NewGuid().ToString("N");
            }
        }
        // Actors of processes no longer configured stay as husks, so that their children can
        // still be reported and stopped by name.
        foreach (var old in _config.Processes)
            if (config.Find(old.Name) is null) _husks[old.Name] = old;
        foreach (var process in config.Processes) _husks.Remove(process.Name);
        _config = config;
    }

    /// <summary>Binds the socket (replacing a stale one) and writes the pid file.</summary>
    public void Bind()
    {
        var path = _config.Master.CommPath;
        if (_config.Master.CommMkdirs) Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var endpoint = new UnixDomainSocketEndPoint(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            if (MasterClient.TryConnect(path) is { } live)
            {
                live.Dispose();
                listener.Dispose();
                throw new InvalidOperationException("Communication socket is already bound");
            }
            File.Delete(path);
            listener.Bind(endpoint);
        }
        listener.Listen(16);
        _listener = listener;
        if (_config.Master.PidFile is { } pidFile) PidFiles.Write(pidFile, Environment.ProcessId);
        _log.Info("server", $"Listening on {path}.");
    }

    /// <summary>Accepts connections until stopped; then cleans up the socket and pid file.</summary>
    public async Task RunAsync()
    {
        var listener = _listener ?? throw new InvalidOperationException("Bind first");
        // Created only now: the actor system touches the console, and .NET then keeps duplicates
        // of stdout/stderr, which must not keep a spawning client's pipe open.
        _system = ActorSystem.Create("instant-run", ConfigurationFactory.ParseString(
            "akka.loglevel = WARNING\nakka.stdout-loglevel = OFF\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off"));
        ApplyConfig(_config);
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                Socket client;
                try { client = await listener.AcceptAsync(_stopping.Token); }
                catch (OperationCanceledException) { break; }
                var id = Interlocked.Increment(ref _clientCount);
                _ = Task.Run(() => ServeAsync(client, id));
            }
        }
        finally
        {
            listener.Dispose();
            try { File.Delete(_config.Master.CommPath); } catch (IOException) { }
            if (_config.Master.PidFile is { } pidFile) PidFiles.DeleteIfOwn(pidFile, Environment.ProcessId);
            _log.Info("server", "Master stopped.");
            _stopped.TrySetResult();
        }
    }

    private async Task ServeAsync(Socket socket, int id)
    {
        var logger = $"client/{id}";
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = false };
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                List<string> words;
                try { words = WireLine.Parse(line); }
                catch (FormatException e)
                {
                    _log.Warning(logger, $"Dropping connection: {e.Message}");
                    return;
                }
                var reply = await HandleAsync(words, async text =>
                {
                    await writer.WriteLineAsync("< " + WireLine.Escape(text));
                    await writer.FlushAsync();
                }, logger);
                await writer.WriteLineAsync(reply);
                await writer.FlushAsync();
            }
        }
        catch (IOException) { }
        catch (Exception e)
        {
            _log.Error(logger, $"Internal error: {e}");
            try { await writer.WriteLineAsync(WireLine.Format(["ERROR", "INTERNAL", e.Message])); await writer.FlushAsync(); }
            catch (IOException) { }
        }
    }

    /// <summary>Runs one command; returns its final line.</summary>
    public async Task<string> HandleAsync(IReadOnlyList<string> words, Func<string, Task> report, string logger)
    {
        static string Error(string code, string message) => WireLine.Format(["ERROR", code, message]);
        if (words.Count == 0) return Error("NXCMD", "No such command: (empty line)");
        var command = words[0];
        var args = words.Skip(1).ToList();
        switch (command)
        {
            case "PING":
                return WireLine.Format(["PONG", .. args]);
            case "NOTIFY":
                if (args.Count < 1) return Error("TFARGS", "Too few arguments");
                if (args.Count > 1) return Error("TMARGS", "Too many arguments");
                var name = _notifyKeys.FirstOrDefault(k => k.Value == args[0]).Key;
                if (name is null) return Error("NXNOTIFY", "No such notification endpoint");
                _log.Info(logger, $"Notification from {name}.");
                return await _actors[name].Ask<string>(new NotifyReady(), TimeSpan.FromHours(24));
            case "STOP-MASTER":
                if (args.Count > 0) return Error("TMARGS", "Too many arguments");
                _log.Info(logger, "Stopping master.");
                RequestStop();
                return "OK";
            case "RESTART-MASTER":
                if (args.Count > 0) return Error("TMARGS", "Too many arguments");
                await _actionLock.WaitAsync();
                try
                {
                    ApplyConfig(RunConfiguration.Load(_configPath, _config.BaseDirectory));
                    _log.Info(logger, "Configuration re-read.");
                    return "OK";
                }
                catch (ConfigException e)
                {
                    return Error("UNK", $"Invalid configuration: {e.Message}");
                }
                finally
                {
                    _actionLock.Release();
                }
        }
        var action = command.ToLowerInvariant();
        if (command != command.ToUpperInvariant() || !ActionRunner.ProcessActions.Contains(action))
            return Error("NXCMD", $"No such command: {command}");

        bool sort = true, verbose = true, wait = true;
        var names = new List<string>();
        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=');
            if (equals < 0)
            {
                names.Add(arg);
                continue;
            }
            var key = arg[..equals];
            bool value;
            try { value = ConfigValues.ParseBool(arg[(equals + 1)..]); }
            catch (FormatException e) { return Error("SYNTAX", $"Bad command usage: {e.Message}"); }
            switch (key)
            {
                case "sort": sort = value; break;
                case "verbose": verbose = value; break;
                case "wait" when action is "start" or "stop": wait = value; break;
                default: return Error("SYNTAX", $"Bad command usage: Named argument '{key}' not declared");
            }
        }

        await _actionLock.WaitAsync();
        try
        {
            var withHusks = new RunConfiguration
            {
                ConfigPath = _config.ConfigPath,
                BaseDirectory = _config.BaseDirectory,
                Master = _config.Master,
                ProcessPrefixes = _config.ProcessPrefixes,
                Processes = [.. _config.Processes, .. _husks.Values],
            };
            var husks = _husks.Keys.ToHashSet();
            var runner = new ActionRunner(withHusks, new MasterRunner(n => _actors[n], NotifyArguments, husks.Contains));
            await runner.RunAsync(action, names, sort, wait, async r =>
            {
                _log.Info("manager", r.Text.Replace('\n', ' '));
                if (verbose) await report(r.Text);
            });
            return "OK";
        }
        catch (UnknownProcessException e)
        {
            return Error("NXPROCS", e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Error("UNK", e.Message);
        }
        finally
        {
            _actionLock.Release();
        }
    }

    /// <summary>
    /// The two words a warm-up instance gets (after its <c>startup-notify</c> value): the notify
    /// command, one argument internally separated by spaces; null if a path has a space in it.
    /// </summary>
    private IReadOnlyList<string>? NotifyArguments(string name)
    {
        string[] words = [.. SelfCommand.Words(), "--config", _configPath, "--master", "always", "cmd", "NOTIFY", _notifyKeys[name]];
        return words.Any(w => w.Contains(' ')) ? null : [string.Join(' ', words)];
    }

    public async ValueTask DisposeAsync()
    {
        RequestStop();
        if (_system is not null) await _system.Terminate();
    }
}
