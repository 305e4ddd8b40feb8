using System.Globalization;
using Xunit;

namespace Instant.Run.Tests;

/// <summary>Master mode with real child processes: the master is spawned as its own process.</summary>
public class MasterSpecs
{
    private const string Sleeper = "[proc/sleeper]\nname=sleeper\ncmdline=sleep 300\nstdout=devnull\nstderr=devnull\n";

    [Fact]
    public async Task Spawned_master_starts_reports_and_stops_processes_then_shuts_down()
    {
        await using var sandbox = new RunSandbox(Sleeper + "[proc/other]\nname=other\ncmdline=sleep 300\nstdout=>log/other.out\n");
        Assert.Equal("master: NOT_RUNNING\n", (await sandbox.RunAsync("ping")).Output);

        var start = await sandbox.RunAsync("--master", "spawn", "start");
        Assert.Equal(0, start.ExitCode);
        var pid = sandbox.PidIn("run/sleeper.pid")!.Value;
        var otherPid = sandbox.PidIn("run/other.pid")!.Value;
        Assert.Equal([$"sleeper (start): OK {pid}", $"other (start): OK {otherPid}"], start.Lines);
        Assert.Equal("master: RUNNING\n", (await sandbox.RunAsync("ping")).Output);
        var masterPid = sandbox.PidIn("run/master.pid")!.Value;
        Assert.True(RunSandbox.Alive(masterPid));
        Assert.True(File.Exists(sandbox.PathOf("run/run.comm")));

        Assert.Equal([$"sleeper: RUNNING {pid}", $"other: RUNNING {otherPid}"], (await sandbox.RunAsync("status")).Lines);
        Assert.Equal(["sleeper (start): ALREADY_RUNNING"], (await sandbox.RunAsync("start", "sleeper")).Lines);
        Assert.Equal("PONG a b\\ c\n", (await sandbox.RunAsync("cmd", "PING", "a", "b c")).Output.Replace("b c", "b\\ c"));

        Assert.Equal(["sleeper (stop): OK -15"], (await sandbox.RunAsync("stop", "sleeper")).Lines);
        Assert.False(RunSandbox.Alive(pid));
        Assert.False(File.Exists(sandbox.PathOf("run/sleeper.pid")));
        Assert.Equal(["sleeper: EXITED -15"], (await sandbox.RunAsync("status", "sleeper")).Lines);

        var show = await sandbox.RunAsync("show", "other");
        Assert.Equal(["[other]", "cmdline=sleep 300", "env=", "stdout=>log/other.out", $"status=RUNNING {otherPid}"], show.Lines);

        // --master stop: the action runs on the master, which then shuts down (children keep running).
        Assert.Equal(["sleeper (stop): NOT_RUNNING", "other (stop): OK -15"], (await sandbox.RunAsync("--master", "stop", "stop")).Lines);
        await RunSandbox.AwaitAsync(() => !RunSandbox.Alive(masterPid), TimeSpan.FromSeconds(20), "master exit");
        Assert.False(File.Exists(sandbox.PathOf("run/run.comm")));
        Assert.False(File.Exists(sandbox.PathOf("run/master.pid")));
        Assert.Equal("master: NOT_RUNNING\n", (await sandbox.RunAsync("ping")).Output);
        Assert.Matches(@"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d server INFO\] Listening on ", sandbox.MasterLog);
    }

    [Fact]
    public async Task Master_errors_come_back_as_clear_messages()
    {
        await using var sandbox = new RunSandbox(Sleeper);
        Assert.Equal(0, (await sandbox.RunAsync("--master", "spawn", "status")).ExitCode);
        async Task<string> Cmd(params string[] words) => (await sandbox.RunAsync(["--master", "always", "cmd", .. words])).Error;
        Assert.Equal("ERROR: No such command: BOGUS\n", await Cmd("BOGUS"));
        Assert.Equal("ERROR: Bad command usage: Named argument 'bogus' not declared\n", await Cmd("STATUS", "bogus=1"));
        Assert.Equal("ERROR: Unknown process: zz\n", await Cmd("STATUS", "zz"));
        Assert.Equal("ERROR: No such notification endpoint\n", await Cmd("NOTIFY", "nope"));
        Assert.Equal("ERROR: Too many arguments\n", await Cmd("STOP-MASTER", "now"));
        Assert.Equal("ERROR: Too few arguments\n", await Cmd("NOTIFY"));
        Assert.Equal("", await Cmd("STATUS", "verbose=no"));
    }

    [Fact]
    public async Task A_stale_socket_file_counts_as_no_master_and_is_replaced()
    {
        await using var sandbox = new RunSandbox(Sleeper);
        Directory.CreateDirectory(sandbox.PathOf("run"));
        // Bound but not listening: connecting is refused, as with a socket a dead master left behind.
        using var stale = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        stale.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(sandbox.PathOf("run/run.comm")));
        Assert.True(File.Exists(sandbox.PathOf("run/run.comm")));
        Assert.Equal("master: NOT_RUNNING\n", (await sandbox.RunAsync("ping")).Output);
        Assert.Equal(["sleeper: NOT_RUNNING"], (await sandbox.RunAsync("--master", "spawn", "status")).Lines);
        Assert.Equal("master: RUNNING\n", (await sandbox.RunAsync("ping")).Output);
        await sandbox.RunAsync("cmd", "STOP-MASTER");
    }

    [Fact]
    public async Task Crashing_process_is_restarted_after_the_delay()
    {
        await using var sandbox = new RunSandbox("""
            [proc/crasher]
            name=crasher
            cmdline=./crash.sh
            stdout=devnull
            restart-delay=0.8
            restart-min-alive=0.2
            """);
        sandbox.WriteScript("crash.sh", "date +%s.%N >> starts.txt\nsleep 0.3\nexit 3\n");
        await sandbox.RunAsync("--master", "spawn", "start");
        await RunSandbox.AwaitAsync(() => sandbox.Read("starts.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 3,
            TimeSpan.FromSeconds(30), "three starts");
        // The stop finds it waiting to restart (NOT_RUNNING), or running: killed (OK -15), or just
        // ending on its own as the signal came (OK 3). Either way it is stopped.
        Assert.Equal(["crasher (stop): NOT_RUNNING"], (await sandbox.RunAsync("stop")).Lines
            .Select(l => l.Replace("OK -15", "NOT_RUNNING").Replace("OK 3", "NOT_RUNNING")).Take(1));
        var starts = sandbox.Read("starts.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
        for (var i = 1; i < starts.Count; i++)
            Assert.True(starts[i] - starts[i - 1] >= 0.3 + 0.8 - 0.05, $"restart {i} came {starts[i] - starts[i - 1]:F2}s after the previous start");
        Assert.Contains("Process crasher exited with status 3; restarting in 0.8s...", sandbox.MasterLog);
        Assert.Contains("Restarting process crasher.", sandbox.MasterLog);
        // After the stop no restart is pending or happens.
        var count = starts.Count;
        Assert.Equal(["crasher: NOT_RUNNING"], (await sandbox.RunAsync("status")).Lines.Select(l => l.StartsWith("crasher: EXITED") ? "crasher: NOT_RUNNING" : l));
        Assert.DoesNotContain("RESTARTING", (await sandbox.RunAsync("status")).Output);
        Assert.InRange(sandbox.Read("starts.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, count, count + 1);
    }

    [Fact]
    public async Task No_restart_for_early_crashes_or_clean_exits()
    {
        await using var sandbox = new RunSandbox("""
            [proc/early]
            name=early
            cmdline=sh -c 'exit 1'
            restart-delay=0.1
            restart-min-alive=5
            [proc/clean]
            name=clean
            cmdline=sh -c 'exit 0'
            restart-delay=0.1
            """);
        await sandbox.RunAsync("--master", "spawn", "start");
        await RunSandbox.AwaitAsync(() => sandbox.MasterLog.Contains("Process early exited with status 1; will not restart.")
                                          && sandbox.MasterLog.Contains("Process clean exited with status 0; will not restart."),
            TimeSpan.FromSeconds(30), "both exits logged");
        Assert.Equal(["early: EXITED 1", "clean: EXITED 0"], (await sandbox.RunAsync("status")).Lines);
        Assert.DoesNotContain("Restarting", sandbox.MasterLog);
    }

    [Fact]
    public async Task Bg_restart_swaps_in_a_warmed_up_instance_after_the_old_one_stopped()
    {
        await using var sandbox = new RunSandbox("""
            [proc/fake]
            name=fake
            cmdline=./fake.sh
            stdout=>>log/fake.log
            stderr=stdout
            startup-notify=--notify
            [proc/plain]
            name=plain
            cmdline=sleep 300
            stdout=devnull
            """);
        // A stand-in for a server with --startup-cmd: runs the notify command once initialised.
        sandbox.WriteScript("fake.sh", """
            trap 'echo "$$ stopping"; exit 0' TERM
            if [ "$1" = "--notify" ]; then echo "$$ ready"; $2; echo "$$ released $?"; fi
            echo "$$ serving"
            while :; do sleep 0.05; done
            """);
        await sandbox.RunAsync("--master", "spawn", "start");
        var oldPid = sandbox.PidIn("run/fake.pid")!.Value;
        var oldPlain = sandbox.PidIn("run/plain.pid")!.Value;
        await RunSandbox.AwaitAsync(() => sandbox.Read("log/fake.log").Contains($"{oldPid} serving"), TimeSpan.FromSeconds(20), "first instance");

        var result = await sandbox.RunAsync("bg-restart");
        var newPid = sandbox.PidIn("run/fake.pid")!.Value;
        var newPlain = sandbox.PidIn("run/plain.pid")!.Value;
        Assert.NotEqual(oldPid, newPid);
        // Sorted reports are grouped by process in configuration order, each in phase order.
        Assert.Equal([$"fake (warmup): OK {newPid}", "fake (stop): OK 0", $"fake (start): OK {newPid}",
            "plain (warmup): NOT_SUPPORTED", "plain (stop): OK -15", $"plain (start): OK {newPlain}"], result.Lines);
        Assert.False(File.Exists(sandbox.PathOf("run/fake.pid.new")));
        Assert.False(RunSandbox.Alive(oldPid));
        Assert.False(RunSandbox.Alive(oldPlain));

        await RunSandbox.AwaitAsync(() => sandbox.Read("log/fake.log").Contains($"{newPid} serving"), TimeSpan.FromSeconds(20), "new instance serving");
        var log = sandbox.Read("log/fake.log").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.True(log.IndexOf($"{newPid} ready") < log.IndexOf($"{oldPid} stopping"), string.Join(" | ", log));
        Assert.True(log.IndexOf($"{oldPid} stopping") < log.IndexOf($"{newPid} released 0"), string.Join(" | ", log));
        Assert.Equal([$"fake: RUNNING {newPid}", $"plain: RUNNING {newPlain}"], (await sandbox.RunAsync("status")).Lines);
    }

    [Fact]
    public async Task A_warm_up_that_dies_before_notifying_is_reported_and_a_fresh_instance_starts()
    {
        await using var sandbox = new RunSandbox("""
            [proc/flaky]
            name=flaky
            cmdline=./flaky.sh
            stdout=devnull
            startup-notify=--notify
            """);
        // Serves normally, but dies at once when started as a warm-up.
        sandbox.WriteScript("flaky.sh", "if [ \"$1\" = --notify ]; then exit 7; fi\nexec sleep 300\n");
        await sandbox.RunAsync("--master", "spawn", "start");
        var oldPid = sandbox.PidIn("run/flaky.pid")!.Value;
        var result = await sandbox.RunAsync("bg-restart");
        var newPid = sandbox.PidIn("run/flaky.pid")!.Value;
        Assert.Equal(["flaky (warmup): EXITED 7", "flaky (stop): OK -15", $"flaky (start): OK {newPid}"], result.Lines);
        Assert.NotEqual(oldPid, newPid);
        Assert.True(RunSandbox.Alive(newPid));
        Assert.False(File.Exists(sandbox.PathOf("run/flaky.pid.new")));
    }

    [Fact]
    public async Task Restart_mode_rereads_the_configuration()
    {
        await using var sandbox = new RunSandbox(Sleeper);
        await sandbox.RunAsync("--master", "spawn", "status");
        var masterPid = sandbox.PidIn("run/master.pid")!.Value;
        sandbox.WriteConfig(Sleeper + "[proc/added]\nname=added\ncmdline=sleep 300\nstdout=devnull\n");
        var result = await sandbox.RunAsync("--master", "restart", "status");
        Assert.Equal(["sleeper: NOT_RUNNING", "added: NOT_RUNNING"], result.Lines);
        Assert.Equal(masterPid, sandbox.PidIn("run/master.pid"));
    }

    [Fact]
    public async Task Processes_removed_by_a_master_restart_become_stop_only_husks()
    {
        var gone = "[proc/gone]\nname=gone\ncmdline=sleep 300\nstdout=devnull\n";
        await using var sandbox = new RunSandbox(Sleeper + gone);
        await sandbox.RunAsync("--master", "spawn", "start");
        var gonePid = sandbox.PidIn("run/gone.pid")!.Value;
        sandbox.WriteConfig(Sleeper);
        Assert.Equal(0, (await sandbox.RunAsync("--master", "restart", "status")).ExitCode);
        Assert.Equal([$"gone: RUNNING {gonePid}"], (await sandbox.RunAsync("--master", "always", "cmd", "STATUS", "gone")).Lines);
        Assert.Equal(["gone (start): NOT_SUPPORTED"], (await sandbox.RunAsync("--master", "always", "cmd", "START", "gone")).Lines);
        var stop = await sandbox.RunAsync("--master", "always", "cmd", "STOP");
        Assert.Contains("gone (stop): OK -15", stop.Lines);
        Assert.False(RunSandbox.Alive(gonePid));
    }

    [Fact]
    public async Task Foreground_master_serves_until_told_to_stop()
    {
        await using var sandbox = new RunSandbox(Sleeper);
        using var limit = new CancellationTokenSource(RunSandbox.CommandLimit);
        using var fg = sandbox.StartCli("--master", "fg", "start");
        var output = fg.StandardOutput.ReadToEndAsync(limit.Token);
        await RunSandbox.AwaitAsync(() => File.Exists(sandbox.PathOf("run/sleeper.pid")), TimeSpan.FromSeconds(30), "fg master started the process");
        Assert.Equal("master: RUNNING\n", (await sandbox.RunAsync("ping")).Output);
        var pid = sandbox.PidIn("run/sleeper.pid")!.Value;
        Assert.Equal([$"sleeper: RUNNING {pid}"], (await sandbox.RunAsync("--master", "always", "status")).Lines);
        Assert.False(fg.HasExited);
        await sandbox.RunAsync("stop");
        await sandbox.RunAsync("cmd", "STOP-MASTER");
        await fg.WaitForExitAsync(limit.Token);
        Assert.Equal(0, fg.ExitCode);
        Assert.Equal($"sleeper (start): OK {pid}\n", await output);
    }

    [Fact]
    public async Task Action_mode_spawns_for_start_and_stops_the_master_with_stop()
    {
        await using var sandbox = new RunSandbox(Sleeper, "mode=action");
        await sandbox.RunAsync("start");
        Assert.Equal("master: RUNNING\n", (await sandbox.RunAsync("ping")).Output);
        var masterPid = sandbox.PidIn("run/master.pid")!.Value;
        Assert.Equal(["sleeper (stop): OK -15"], (await sandbox.RunAsync("stop")).Lines);
        await RunSandbox.AwaitAsync(() => !RunSandbox.Alive(masterPid), TimeSpan.FromSeconds(20), "master exit");
    }

    [Fact]
    public async Task Children_outlive_the_master_and_a_new_master_stops_them_by_pid_file()
    {
        await using var sandbox = new RunSandbox(Sleeper);
        await sandbox.RunAsync("--master", "spawn", "start");
        var pid = sandbox.PidIn("run/sleeper.pid")!.Value;
        var masterPid = sandbox.PidIn("run/master.pid")!.Value;
        Assert.Equal("", (await sandbox.RunAsync("cmd", "STOP-MASTER")).Output);
        await RunSandbox.AwaitAsync(() => !RunSandbox.Alive(masterPid), TimeSpan.FromSeconds(20), "master exit");
        Assert.True(RunSandbox.Alive(pid));
        Assert.Equal([$"sleeper: RUNNING {pid}"], (await sandbox.RunAsync("status")).Lines);
        Assert.Equal(["sleeper (start): ALREADY_RUNNING"], (await sandbox.RunAsync("--master", "spawn", "start")).Lines);
        Assert.Equal(["sleeper (stop): OK"], (await sandbox.RunAsync("stop")).Lines);
        Assert.False(RunSandbox.Alive(pid));
    }

    [Fact]
    public async Task Master_in_the_foreground_stops_on_sigterm_and_cleans_up()
    {
        await using var sandbox = new RunSandbox(Sleeper);
        using var limit = new CancellationTokenSource(RunSandbox.CommandLimit);
        using var master = sandbox.StartCli("run-master");
        await RunSandbox.AwaitAsync(() => sandbox.MasterLog.Contains("Listening on"), TimeSpan.FromSeconds(30), "master listening");
        Assert.Equal("master: RUNNING\n", (await sandbox.RunAsync("ping")).Output);
        var second = await sandbox.RunAsync("run-master");
        Assert.Equal((1, "ERROR: Communication socket is already bound\n"), (second.ExitCode, second.Error));
        Assert.True(File.Exists(sandbox.PathOf("run/master.pid")));
        Assert.Equal(0, Instant.Run.Posix.Native.Kill(master.Id, Instant.Run.Posix.Native.SIGTERM));
        await master.WaitForExitAsync(limit.Token);
        Assert.Equal(0, master.ExitCode);
        Assert.False(File.Exists(sandbox.PathOf("run/run.comm")));
        Assert.False(File.Exists(sandbox.PathOf("run/master.pid")));
    }
}
