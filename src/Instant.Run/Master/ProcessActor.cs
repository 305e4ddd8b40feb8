using System.Diagnostics;
using Akka.Actor;
using Instant.Run.Config;
using Instant.Run.Processes;
using Instant.Run.Posix;

namespace Instant.Run.Master;

/// <summary>Starts the process (reply: report text such as <c>OK 1234</c>).</summary>
public sealed record StartProcess;

/// <summary>Stops the process; with <paramref name="Wait"/> the reply comes after it has exited.</summary>
public sealed record StopProcess(bool Wait);

/// <summary>Asks for the status text.</summary>
public sealed record QueryStatus;

/// <summary>Starts a background instance with <paramref name="ExtraArguments"/> appended (bg-restart).</summary>
public sealed record WarmupProcess(IReadOnlyList<string> ExtraArguments);

/// <summary>The background instance says it is ready; the reply (OK/FAIL) comes when it may proceed.</summary>
public sealed record NotifyReady;

/// <summary>A re-read configuration for this process (RESTART-MASTER).</summary>
public sealed record ReplaceConfig(ProcessConfig Config);

/// <summary>
/// Watches one configured process in the master: owns its current child and its warm-up child,
/// and supervises the current child by applying <c>restart-delay</c> and <c>restart-min-alive</c>
/// when it exits with a non-zero status.
/// </summary>
public sealed class ProcessActor : ReceiveActor, IWithTimers
{
    private sealed record ProcessExited(Process Instance, int Code);
    private sealed record RestartDue(int Generation);

    private enum NotifyState { None, Starting, Ready, Standby }

    private readonly string _baseDirectory;
    private readonly MasterLog _log;
    private ProcessConfig _config;

    private Process? _current;
    private DateTime _currentStarted;
    private int? _lastExit;
    private readonly List<IActorRef> _stopWaiters = [];
    // Bumped by every start and stop, so that a restart scheduled before them is void.
    private int _generation;
    private bool _restartPending;

    private Process? _warm;
    private NotifyState _notifyState;
    private IActorRef? _warmupWaiter;
    private IActorRef? _notifyWaiter;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProcessConfig config, string baseDirectory, MasterLog log) =>
        Akka.Actor.Props.Create(() => new ProcessActor(config, baseDirectory, log));

    public ProcessActor(ProcessConfig config, string baseDirectory, MasterLog log)
    {
        _config = config;
        _baseDirectory = baseDirectory;
        _log = log;
        Receive<StartProcess>(_ => Sender.Tell(Start(quiet: false)));
        Receive<StopProcess>(Stop);
        Receive<QueryStatus>(_ => Sender.Tell(Status()));
        Receive<WarmupProcess>(Warmup);
        Receive<NotifyReady>(_ => Notify());
        Receive<ReplaceConfig>(m => _config = m.Config);
        Receive<ProcessExited>(Exited);
        Receive<RestartDue>(Restart);
    }

    private bool CurrentRunning => _current is { HasExited: false };

    private string Status()
    {
        string status;
        if (CurrentRunning) status = $"RUNNING {_current!.Id}";
        else if (_current is not null && _lastExit is { } code)
        {
            status = $"EXITED {code}";
            var fromFile = PidFiles.Read(_config.PidFile);
            if (fromFile.IsAlive) status = fromFile.ToString();
        }
        else status = PidFiles.Read(_config.PidFile).ToString();
        return _restartPending && !CurrentRunning ? status + " RESTARTING" : status;
    }

    private string Start(bool quiet)
    {
        if (CurrentRunning) return "ALREADY_RUNNING";
        if (_warm is not null && _notifyState == NotifyState.Standby)
        {
            // bg-restart: the warmed-up instance takes over and is released from its notify command.
            _generation++;
            _restartPending = false;
            Adopt(_warm);
            _warm = null;
            _notifyState = NotifyState.None;
            try { File.Move(_config.PidFileWarmup, _config.PidFile, overwrite: true); }
            catch (IOException) { PidFiles.Write(_config.PidFile, _current!.Id); }
            _notifyWaiter?.Tell("OK");
            _notifyWaiter = null;
            _log.Info("manager", $"Process {_config.Name} swapped in (pid {_current!.Id}).");
            return $"OK {_current.Id}";
        }
        if (!quiet && PidFiles.Read(_config.PidFile).IsAlive) return "ALREADY_RUNNING";
        var launch = ProcessLauncher.Launch(_config, _baseDirectory);
        if (launch.Error is not null)
        {
            _log.Warning("spawn", $"Could not start process {_config.Name}: {launch.Error}");
            return $"ERROR {launch.Error}";
        }
        _generation++;
        _restartPending = false;
        Adopt(launch.Process!);
        PidFiles.Write(_config.PidFile, launch.Pid);
        _log.Info("spawn", $"Started process {_config.Name} (pid {launch.Pid}).");
        return $"OK {launch.Pid}";
    }

    private void Adopt(Process process)
    {
        _current = process;
        _currentStarted = DateTime.UtcNow;
        _lastExit = null;
        Watch(process);
    }

    private void Watch(Process process)
    {
        var self = Self;
        process.Exited += (_, _) => self.Tell(new ProcessExited(process, ProcessLauncher.ExitCode(process)));
        // The event does not fire for a process that exited before it was subscribed.
        if (process.HasExited) self.Tell(new ProcessExited(process, ProcessLauncher.ExitCode(process)));
    }

    private void Stop(StopProcess stop)
    {
        _generation++;
        var wasPending = _restartPending;
        _restartPending = false;
        if (!CurrentRunning)
        {
            if (wasPending && !PidFiles.Read(_config.PidFile).IsAlive)
            {
                PidFiles.Delete(_config.PidFile);
                Sender.Tell("NOT_RUNNING");
                return;
            }
            // Not our child (e.g. started in standalone mode): go by the pid file.
            StandaloneRunner.StopByPidFileAsync(_config, stop.Wait).PipeTo(Sender);
            return;
        }
        PidFiles.Delete(_config.PidFile);
        Native.Kill(_current!.Id, Native.SIGTERM);
        _log.Info("manager", $"Stopping process {_config.Name} (pid {_current.Id}).");
        if (stop.Wait) _stopWaiters.Add(Sender);
        else Sender.Tell("OK");
    }

    private void Warmup(WarmupProcess warmup)
    {
        if (_config.StartupNotify is null)
        {
            Sender.Tell("NOT_SUPPORTED");
            return;
        }
        if (_warm is not null || PidFiles.Read(_config.PidFileWarmup).IsAlive)
        {
            Sender.Tell("ALREADY_RUNNING");
            return;
        }
        _notifyState = NotifyState.Starting;
        var launch = ProcessLauncher.Launch(_config, _baseDirectory, [_config.StartupNotify, .. warmup.ExtraArguments]);
        if (launch.Error is not null)
        {
            _notifyState = NotifyState.None;
            Sender.Tell($"ERROR {launch.Error}");
            return;
        }
        _warm = launch.Process;
        PidFiles.Write(_config.PidFileWarmup, launch.Pid);
        _warmupWaiter = Sender;
        _log.Info("spawn", $"Warming up process {_config.Name} (pid {launch.Pid}).");
        Watch(_warm!);
    }

    private void Notify()
    {
        if (_notifyState != NotifyState.Starting || _warm is null)
        {
            Sender.Tell("FAIL");
            return;
        }
        _notifyState = NotifyState.Standby;
        _notifyWaiter = Sender;
        _warmupWaiter?.Tell($"OK {_warm.Id}");
        _warmupWaiter = null;
        _log.Info("manager", $"Process {_config.Name} (pid {_warm.Id}) is ready to take over.");
    }

    private void Exited(ProcessExited exited)
    {
        if (exited.Instance == _warm)
        {
            _warm = null;
            _notifyState = NotifyState.None;
            PidFiles.Delete(_config.PidFileWarmup);
            _warmupWaiter?.Tell($"EXITED {exited.Code}");
            _warmupWaiter = null;
            _notifyWaiter?.Tell("FAIL");
            _notifyWaiter = null;
            _log.Warning("manager", $"Warm-up instance of {_config.Name} exited with status {exited.Code}.");
            return;
        }
        if (exited.Instance != _current || _lastExit is not null) return;
        _lastExit = exited.Code;
        foreach (var waiter in _stopWaiters) waiter.Tell($"OK {exited.Code}");
        var stopped = _stopWaiters.Count > 0;
        _stopWaiters.Clear();
        var alive = DateTime.UtcNow - _currentStarted;
        var eligible = _config.RestartDelay is not null && exited.Code != 0 && !stopped
                       && alive.TotalSeconds >= _config.RestartMinAlive && PidFiles.Read(_config.PidFile) is not PidState.NotRunning;
        if (!eligible)
        {
            _log.Info("restart", $"Process {_config.Name} exited with status {exited.Code}; will not restart.");
            return;
        }
        var delay = _config.RestartDelay!.Value;
        _log.Info("restart", $"Process {_config.Name} exited with status {exited.Code}; restarting in {delay}s...");
        _restartPending = true;
        Timers.StartSingleTimer("restart", new RestartDue(_generation), TimeSpan.FromSeconds(delay));
    }

    private void Restart(RestartDue due)
    {
        if (!_restartPending || due.Generation != _generation) return;
        _log.Info("restart", $"Restarting process {_config.Name}.");
        Start(quiet: true);
    }
}
