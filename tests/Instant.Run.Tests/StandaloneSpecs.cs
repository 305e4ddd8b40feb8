using Xunit;

namespace Instant.Run.Tests;

/// <summary>Standalone mode (no master) with real child processes and pid files.</summary>
public class StandaloneSpecs
{
    [Fact]
    public async Task Start_status_stop_with_pid_files_redirections_env_workdir_and_mkdirs()
    {
        await using var sandbox = new RunSandbox("""
            [proc/worker]
            name=worker
            cmdline=./work.sh "two words"
            work-dir=wd
            env=GREETING='hello there' EMPTY=
            mkdirs=data/a 'data/b c'
            stdin=<input.txt
            stdout=>>log/${name}.out
            stderr=stdout
            [proc/quiet]
            name=quiet
            cmdline=sleep 300
            stdin=devnull
            stdout=devnull
            stderr=devnull
            """);
        Directory.CreateDirectory(sandbox.PathOf("wd"));
        File.WriteAllText(sandbox.PathOf("input.txt"), "from stdin\n");
        sandbox.WriteScript("wd/work.sh", """
            echo "arg=$1 greeting=$GREETING cwd=$(pwd)"
            read line; echo "read=$line"
            echo "to stderr" >&2
            exec sleep 300
            """);

        var status = await sandbox.RunAsync("--master", "never", "status");
        Assert.Equal(["worker: NOT_RUNNING", "quiet: NOT_RUNNING"], status.Lines);

        var start = await sandbox.RunAsync("--master", "never", "start");
        Assert.Equal(0, start.ExitCode);
        var workerPid = sandbox.PidIn("run/worker.pid")!.Value;
        var quietPid = sandbox.PidIn("run/quiet.pid")!.Value;
        Assert.Equal([$"worker (start): OK {workerPid}", $"quiet (start): OK {quietPid}"], start.Lines);
        Assert.Equal($"{workerPid}\n", sandbox.Read("run/worker.pid"));
        Assert.True(RunSandbox.Alive(workerPid));
        Assert.True(Directory.Exists(sandbox.PathOf("data/a")) && Directory.Exists(sandbox.PathOf("data/b c")));

        await RunSandbox.AwaitAsync(() => sandbox.Read("log/worker.out").Contains("to stderr"), TimeSpan.FromSeconds(20), "worker output");
        Assert.Equal($"arg=two words greeting=hello there cwd={sandbox.PathOf("wd")}\nread=from stdin\nto stderr\n", sandbox.Read("log/worker.out"));

        Assert.Equal([$"worker: RUNNING {workerPid}", $"quiet: RUNNING {quietPid}"], (await sandbox.RunAsync("--master", "never", "status")).Lines);
        Assert.Equal(["worker (start): ALREADY_RUNNING"], (await sandbox.RunAsync("--master", "never", "start", "worker")).Lines);

        var stop = await sandbox.RunAsync("--master", "never", "stop", "worker");
        Assert.Equal(["worker (stop): OK"], stop.Lines);
        Assert.False(RunSandbox.Alive(workerPid));
        Assert.False(File.Exists(sandbox.PathOf("run/worker.pid")));
        Assert.Equal(["worker (stop): NOT_RUNNING"], (await sandbox.RunAsync("--master", "never", "stop", "worker")).Lines);

        // ">>" appends: a second run adds to the same file.
        var again = await sandbox.RunAsync("--master", "never", "start", "worker");
        Assert.StartsWith("worker (start): OK ", again.Output);
        await RunSandbox.AwaitAsync(() => sandbox.Read("log/worker.out").Split("to stderr").Length == 3, TimeSpan.FromSeconds(20), "second output");

        // Sorted reports follow the order of the command line.
        var sorted = await sandbox.RunAsync("--master", "never", "stop", "quiet", "worker");
        Assert.Equal(["quiet (stop): OK", "worker (stop): OK"], sorted.Lines);
        Assert.False(RunSandbox.Alive(quietPid));
    }

    [Fact]
    public async Task Stale_pid_files_and_bad_commands_are_reported()
    {
        await using var sandbox = new RunSandbox("""
            [proc/missing]
            name=missing
            cmdline=./no-such-program
            [proc/truncating]
            name=truncating
            cmdline=sh -c 'echo second'
            stdout=>out/t.txt
            """);
        Directory.CreateDirectory(sandbox.PathOf("run"));
        File.WriteAllText(sandbox.PathOf("run/missing.pid"), "999999\n");
        Assert.Equal(["missing: NOT_FOUND", "truncating: NOT_RUNNING"], (await sandbox.RunAsync("--master", "never", "status")).Lines);

        Assert.Equal(["missing (start): ERROR ENOENT"], (await sandbox.RunAsync("--master", "never", "start", "missing")).Lines);

        Directory.CreateDirectory(sandbox.PathOf("out"));
        File.WriteAllText(sandbox.PathOf("out/t.txt"), "first, much longer content\n");
        await sandbox.RunAsync("--master", "never", "start", "truncating");
        await RunSandbox.AwaitAsync(() => sandbox.Read("out/t.txt") == "second\n", TimeSpan.FromSeconds(20), "truncated output");
    }

    [Fact]
    public async Task Stop_wait_delays_the_stop_report()
    {
        await using var sandbox = new RunSandbox("[proc/s]\nname=s\ncmdline=sleep 300\nstop-wait=0.7\nstdout=devnull\nstderr=devnull\n");
        await sandbox.RunAsync("--master", "never", "start");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(["s (stop): OK"], (await sandbox.RunAsync("--master", "never", "stop")).Lines);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.7), $"stop returned after {clock.Elapsed}");
        clock.Restart();
        await sandbox.RunAsync("--master", "never", "start");
        Assert.Equal(["s (stop): OK"], (await sandbox.RunAsync("--master", "never", "stop", "--wait=no")).Lines);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Bg_restart_without_master_falls_back_to_restart()
    {
        await using var sandbox = new RunSandbox("[proc/s]\nname=s\ncmdline=sleep 300\nstartup-notify=--notify\nstdout=devnull\nstderr=devnull\n");
        await sandbox.RunAsync("--master", "never", "start");
        var oldPid = sandbox.PidIn("run/s.pid")!.Value;
        var result = await sandbox.RunAsync("--master", "never", "bg-restart");
        var newPid = sandbox.PidIn("run/s.pid")!.Value;
        Assert.Equal(["s (warmup): NOT_SUPPORTED", "s (stop): OK", $"s (start): OK {newPid}"], result.Lines);
        Assert.NotEqual(oldPid, newPid);
        Assert.False(RunSandbox.Alive(oldPid));
        Assert.True(RunSandbox.Alive(newPid));
    }

    [Fact]
    public async Task Cli_errors_are_clear()
    {
        await using var sandbox = new RunSandbox("[proc/a]\nname=a\ncmdline=true\n");
        var unknown = await sandbox.RunAsync("--master", "never", "status", "a", "zz");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("ERROR: Unknown process: zz\n", unknown.Error);
        Assert.Equal("ERROR: Unknown processes: x, y\n", (await sandbox.RunAsync("status", "x", "y")).Error);
        Assert.Contains("Unknown action 'frobnicate'", (await sandbox.RunAsync("frobnicate")).Error);
        Assert.Contains("Invalid master mode 'sometimes'", (await sandbox.RunAsync("--master", "sometimes", "status")).Error);
        Assert.Contains("Invalid boolean 'maybe'", (await sandbox.RunAsync("status", "--sort=maybe")).Error);
        var always = await sandbox.RunAsync("--master", "always", "status");
        Assert.Equal((1, "ERROR: Cannot connect to master process\n"), (always.ExitCode, always.Error));
        Assert.Equal("master: NOT_RUNNING\n", (await sandbox.RunAsync("ping")).Output);
        Assert.Equal("master: IGNORED\n", (await sandbox.RunAsync("--master", "never", "ping")).Output);
        Assert.Contains("needs a master", (await sandbox.RunAsync("--master", "never", "cmd", "PING")).Error);

        var help = await sandbox.RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var option in new[] { "--config", "--master", "--sort", "--verbose", "--wait", "--close-fds", "bg-restart", "run-master", "ping" })
            Assert.Contains(option, help.Output);

        sandbox.WriteConfig("[proc/a]\nname=a\ncmdline=true\nstdout=>|file\n");
        var bad = await sandbox.RunAsync("status");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("ERROR: Invalid configuration: Invalid stdout redirection '>|file'", bad.Error);
        var missing = await sandbox.RunAsync("--config", "nowhere.ini", "status");
        Assert.StartsWith("ERROR: Invalid configuration: Cannot read configuration file", missing.Error);
    }

    [Fact]
    public async Task Verbose_no_prints_nothing_and_sort_no_prints_every_report()
    {
        await using var sandbox = new RunSandbox("[proc/a]\nname=a\ncmdline=true\n[proc/b]\nname=b\ncmdline=true\n");
        var result = await sandbox.RunAsync("--master", "never", "status", "--verbose=no");
        Assert.Equal((0, ""), (result.ExitCode, result.Output));
        var unsorted = await sandbox.RunAsync("--master", "never", "status", "--sort=no", "b", "a");
        Assert.Equal(["a: NOT_RUNNING", "b: NOT_RUNNING"], unsorted.Lines.Order());
        Assert.Equal(["b: NOT_RUNNING", "a: NOT_RUNNING"], (await sandbox.RunAsync("--master", "never", "status", "b", "a")).Lines);
    }
}
