using Instant.Run.Config;
using Xunit;

namespace Instant.Run.Tests;

public class RunConfigurationSpecs
{
    private const string Base = "/srv/instant/config";

    private static RunConfiguration Load(string text) =>
        RunConfiguration.FromDocument(IniDocument.Parse(text), Base + "/run.ini", "/cwd");

    /// <summary>The example configuration of RUNNING.md, verbatim.</summary>
    internal const string RunningMdConfig = """
        ; General parameters stored in a separate section; [instant] and
        ; [scribe/] import these.
        [config/instant]
        ; The address the backend listens on.
        instant-host=localhost
        ; The port the backend listens on.
        instant-port=8080
        ; Additional options for the backend.
        instant-options=
        ; Batch size for room log delivery.
        scribe-maxlen=100
        ; Additional options for Scribe bots.
        scribe-options=

        ; Master process configuration.
        [master]
        ; Uncomment the following line to use a central manager process and to
        ; make bg-restart work.
        ;mode=action
        ; Location of the "main" directory relative to the directory containing
        ; the configuration file (which, in turn, is expected to be located at
        ; config/run.ini). All other paths (except process command names) are
        ; relative to this.
        work-dir=..
        ; Logging configuration.
        log-file=log/master.log
        ; Let the master process write a PID file.
        pid-file=run/master.pid

        ; Meta-configuration.
        [meta]
        ; Selection of sections that define processes.
        proc-prefixes=instant scribe

        ; Backend configuration.
        [instant]
        __import__=config/instant
        ; Process name.
        name=instant
        ; Command line.
        cmdline=java -jar Instant.jar -h ${instant-host} ${instant-port}
            --http-log=log/Instant.log ${instant-options}
        ; Environment (sets the cookie key location). After the cookie key file is
        ; created, its access mode should be manually set to 600.
        env=INSTANT_COOKIES_KEYFILE=config/cookie-key.bin
            INSTANT_COOKIES_KEYFILE_CREATE=yes
        ; Redirections.
        stdout=>>log/Instant.dbg.log
        stderr=stdout
        ; Fast restart support.
        startup-notify=--startup-cmd

        ; The section name ends with a slash, so no actual process is instantiated
        ; from it.
        [scribe/]
        __import__=config/instant
        ; The (final part of the) section name is used as the room name.
        room=${__name__}
        ; Process name.
        name=scribe-${room}
        ; Command line.
        cmdline=script/scribe.py --cookies config/${name}-cookies.txt
            --msgdb db/messages-${room}.sqlite --maxlen "${scribe-maxlen}"
            ${scribe-options} ws://${instant-host}:${instant-port}/room/${room}/ws
        ; Environment (needed to accept Secure cookies over HTTP).
        env=INSTABOT_RELAXED_COOKIES=y
        ; Redirections.
        stdout=>>log/${name}.log
        stderr=>>log/${name}.err.log

        ; This section creates a Scribe bot in &welcome; it does not need to
        ; contain values of its own.
        [scribe/welcome]
        """;

    [Fact]
    public void Running_md_example_configuration_resolves()
    {
        var config = Load(RunningMdConfig);
        Assert.Equal("/srv/instant", config.BaseDirectory);
        Assert.Equal(["instant", "scribe"], config.ProcessPrefixes);
        Assert.Equal(["instant", "scribe-welcome"], config.Processes.Select(p => p.Name));

        var instant = config.Processes[0];
        Assert.Equal(["java", "-jar", "Instant.jar", "-h", "localhost", "8080", "--http-log=log/Instant.log"], instant.Command);
        Assert.Equal([new("INSTANT_COOKIES_KEYFILE", "config/cookie-key.bin"), new KeyValuePair<string, string>("INSTANT_COOKIES_KEYFILE_CREATE", "yes")], instant.Environment);
        Assert.Equal(new Redirection(RedirectionKind.Append, "/srv/instant/log/Instant.dbg.log", ">>log/Instant.dbg.log"), instant.Stdout);
        Assert.Equal(RedirectionKind.ToStdout, instant.Stderr.Kind);
        Assert.Equal("--startup-cmd", instant.StartupNotify);
        Assert.Equal("/srv/instant/run/instant.pid", instant.PidFile);
        Assert.Equal("/srv/instant/run/instant.pid.new", instant.PidFileWarmup);
        Assert.Null(instant.RestartDelay);

        var scribe = config.Processes[1];
        Assert.Equal(["script/scribe.py", "--cookies", "config/scribe-welcome-cookies.txt", "--msgdb", "db/messages-welcome.sqlite",
            "--maxlen", "100", "ws://localhost:8080/room/welcome/ws"], scribe.Command);
        Assert.Equal("/srv/instant/log/scribe-welcome.err.log", scribe.Stderr.Path);
        Assert.Null(scribe.StartupNotify);

        Assert.Null(config.Master.Mode);
        Assert.Equal("/srv/instant/log/master.log", config.Master.LogFile);
        Assert.Equal("/srv/instant/run/master.pid", config.Master.PidFile);
        Assert.Equal("/srv/instant/run/run.comm", config.Master.CommPath);
        Assert.True(config.Master.CommMkdirs);
        Assert.True(config.Master.LogTimestamps);
        Assert.Equal(LogLevel.Info, config.Master.LogLevel);
    }

    [Fact]
    public void Every_process_and_master_key_is_read()
    {
        var config = Load("""
            [master]
            mode=action
            comm-path=sock/m.comm
            comm-mkdirs=no
            pid-file=/abs/m.pid
            log-file=
            log-level=debug
            log-timestamps=no
            [proc]
            name=p
            cmdline=./run.sh "a b"
            work-dir=w
            mkdirs=d1 'd 2'
            stdin=<in.txt
            stdout=>out.txt
            stderr=<>err.txt
            pid-file=p.pid
            pid-file-warmup=p.warm
            startup-notify=--notify
            stop-wait=0.5
            restart-delay=1.25
            restart-min-alive=3
            [proc/devnull]
            name=q
            cmdline=q
            stdin=devnull
            stdout=devnull
            stderr=devnull
            [other]
            name=notaprocess
            """);
        var p = config.Find("p")!;
        Assert.Equal("/cwd", config.BaseDirectory);
        Assert.Equal(["./run.sh", "a b"], p.Command);
        Assert.Equal("/cwd/w", p.WorkDir);
        Assert.Equal(["/cwd/d1", "/cwd/d 2"], p.Mkdirs);
        Assert.Equal(new Redirection(RedirectionKind.Read, "/cwd/in.txt", "<in.txt"), p.Stdin);
        Assert.Equal(RedirectionKind.Truncate, p.Stdout.Kind);
        Assert.Equal(RedirectionKind.ReadWrite, p.Stderr.Kind);
        Assert.Equal("/cwd/p.pid", p.PidFile);
        Assert.Equal("/cwd/p.warm", p.PidFileWarmup);
        Assert.Equal("--notify", p.StartupNotify);
        Assert.Equal(0.5, p.StopWait);
        Assert.Equal(1.25, p.RestartDelay);
        Assert.Equal(3, p.RestartMinAlive);
        var q = config.Find("q")!;
        Assert.All(new[] { q.Stdin, q.Stdout, q.Stderr }, r => Assert.Equal(RedirectionKind.DevNull, r.Kind));
        Assert.Null(config.Find("notaprocess"));
        Assert.Equal(MasterMode.Action, config.Master.Mode);
        Assert.Equal("/cwd/sock/m.comm", config.Master.CommPath);
        Assert.False(config.Master.CommMkdirs);
        Assert.Equal("/abs/m.pid", config.Master.PidFile);
        Assert.Null(config.Master.LogFile);
        Assert.Equal(LogLevel.Debug, config.Master.LogLevel);
        Assert.False(config.Master.LogTimestamps);
    }

    [Theory]
    [InlineData("proc", "proc", true)]
    [InlineData("proc", "proc/x", true)]
    [InlineData("proc", "process", false)]
    [InlineData("proc/", "proc/x", true)]
    [InlineData("proc/", "proc", false)]
    [InlineData("p", "p/", true)]
    public void Prefixes_select_sections(string prefix, string section, bool matches) =>
        Assert.Equal(matches, RunConfiguration.Matches(prefix, section));

    [Fact]
    public void Template_sections_never_define_processes()
    {
        var config = Load("[proc/]\nname=t\ncmdline=x\n[proc/a]\nname=a\n");
        Assert.Equal(["a"], config.Processes.Select(p => p.Name));
    }

    [Theory]
    [InlineData("[proc]\ncmdline=x\n", "Process section [proc] has no 'name'")]
    [InlineData("[proc]\nname=x\n", "has no 'cmdline'")]
    [InlineData("[proc]\nname=a b\ncmdline=x\n", "contains white space or '='")]
    [InlineData("[proc]\nname=a=b\ncmdline=x\n", "contains white space or '='")]
    [InlineData("[proc/a]\nname=x\ncmdline=x\n[proc/b]\nname=x\ncmdline=y\n", "Duplicate process name 'x'")]
    [InlineData("[proc]\nname=x\ncmdline=x\nstdout=>|f\n", "Invalid stdout redirection '>|f'")]
    [InlineData("[proc]\nname=x\ncmdline=x\nstdout=&>f\n", "Invalid stdout redirection '&>f'")]
    [InlineData("[proc]\nname=x\ncmdline=x\nstdin=file\n", "Invalid stdin redirection 'file'")]
    [InlineData("[proc]\nname=x\ncmdline=x\nstdout=stdout\n", "'stdout' is only valid for stderr")]
    [InlineData("[proc]\nname=x\ncmdline=x\nstdout=>\n", "no path after '>'")]
    [InlineData("[proc]\nname=x\ncmdline=x\nenv=NOEQUALS\n", "'NOEQUALS' is not NAME=VALUE")]
    [InlineData("[proc]\nname=x\ncmdline='open\n", "key 'cmdline': No closing quotation")]
    [InlineData("[proc]\nname=x\ncmdline=x\nrestart-delay=soon\n", "Invalid restart-delay 'soon'")]
    [InlineData("[proc]\nname=x\ncmdline=$a\na=$b\nb=$a\n", "Circular reference in section [proc]")]
    [InlineData("[master]\nmode=sometimes\n", "Invalid master mode 'sometimes'")]
    [InlineData("[master]\nlog-level=LOUD\n", "Invalid log level 'LOUD'")]
    public void Bad_configurations_give_clear_errors(string text, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Load(text));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Log_level_numbers_are_accepted() => Assert.Equal(LogLevel.Warning, ConfigValues.ParseLogLevel("30"));
}
