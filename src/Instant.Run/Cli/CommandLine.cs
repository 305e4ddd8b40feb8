using Instant.Run.Config;

namespace Instant.Run.Cli;

/// <summary>A parsed <c>instant-run</c> command line.</summary>
public sealed record CommandLine
{
    public string ConfigPath { get; init; } = RunConfiguration.DefaultPath;
    public MasterMode? Master { get; init; }
    public string Action { get; init; } = "";
    public IReadOnlyList<string> Names { get; init; } = [];
    public bool Sort { get; init; } = true;
    public bool Verbose { get; init; } = true;
    public bool Wait { get; init; } = true;
    public bool CloseFds { get; init; }
    public bool Help { get; init; }

    /// <summary>--version: print the version and exit.</summary>
    public bool Version { get; init; }

    public static readonly string[] Actions = ["status", "start", "stop", "restart", "bg-restart", "show", "ping", "run-master", "cmd"];

    public const string Usage = """
        Usage: instant-run [--config FILE] [--master MODE] ACTION [OPTIONS] [NAME...]

        Starts, stops and watches the processes of an Instant installation (the backend,
        Scribe bots, anything else) as configured in an .ini file; see docs/RUN.md.

        Global options (before ACTION):
          -c, --config FILE    configuration file (default: config/run.ini)
          -m, --master MODE    how to use a master process (default: [master] mode, else auto):
                                 never   act locally, never use a master
                                 auto    use a running master, else act locally
                                 spawn   start a master in the background if none runs
                                 fg      if none runs, become the master (stay in the foreground)
                                 always  fail if no master runs
                                 restart restart a running master (re-reading the configuration),
                                         or spawn one; then use it
                                 stop    as auto, then shut a used master down
                                 action  start: spawn; restart, bg-restart: restart; stop: stop;
                                         others (and any action naming processes): auto
          -h, --help           show this help and exit
          -V, --version        show the version and exit

        Actions (NAME...: processes to act on, default all in configuration order):
          status [NAME...]     whether each process runs
          start [NAME...]      start processes that are not running
          stop [NAME...]       stop processes that are running
          restart [NAME...]    stop, then start
          bg-restart [NAME...] fast restart: with a master, processes with startup-notify get a
                               new instance that warms up in the background and takes over once
                               the old one has stopped; without a master, as restart
          show [NAME...]       print each process's configuration and status
          ping                 report whether a master process runs
          run-master           run the master process in the foreground
          cmd WORD...          send a raw command to the master (e.g. cmd PING hello)

        Action options:
          --sort=yes|no        print reports in configuration/command-line order (default yes)
                               rather than as they arrive
          --verbose=yes|no     print status reports (default yes)
          --wait=yes|no        start, stop: wait for processes to stop (default yes)
          --close-fds          run-master: detach from the terminal and the caller's streams
                               once listening (used when a master is spawned)

        Exit status: 0 on success; 1 with "ERROR: ..." on standard error otherwise.
        """;

    /// <summary>Parses arguments; throws <see cref="FormatException"/> with a clear message on bad input.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLine();
        var i = 0;
        string Value(string option, string? inline)
        {
            if (inline is not null) return inline;
            if (++i >= args.Count) throw new FormatException($"Option {option} needs a value");
            return args[i];
        }
        for (; i < args.Count; i++)
        {
            var (option, inline) = SplitOption(args[i]);
            switch (option)
            {
                case "-h" or "--help":
                    return result with { Help = true };
                case "-V" or "--version":
                    return result with { Version = true };
                case "-c" or "--config":
                    result = result with { ConfigPath = Value(option, inline) };
                    continue;
                case "-m" or "--master":
                    result = result with { Master = ConfigValues.ParseMode(Value(option, inline)) };
                    continue;
            }
            if (args[i].StartsWith('-')) throw new FormatException($"Unknown option {args[i]} (see --help)");
            break;
        }
        if (i >= args.Count) throw new FormatException("No action given (see --help)");
        var action = args[i++];
        if (!Actions.Contains(action)) throw new FormatException($"Unknown action '{action}' (see --help)");
        result = result with { Action = action };

        if (action == "cmd")
        {
            var words = args.Skip(i).ToList();
            if (words.Count == 0) throw new FormatException("cmd needs a command word");
            return result with { Names = words };
        }

        var names = new List<string>();
        for (; i < args.Count; i++)
        {
            var (option, inline) = SplitOption(args[i]);
            if (option is "-h" or "--help") return result with { Help = true };
            if (!args[i].StartsWith('-') || args[i] == "-")
            {
                if (action is "ping" or "run-master") throw new FormatException($"{action} takes no process names");
                if (args[i].Contains('=')) throw new FormatException($"Invalid process name '{args[i]}'");
                names.Add(args[i]);
                continue;
            }
            bool Bool() => ConfigValues.ParseBool(Value(option, inline));
            var processAction = action is not ("ping" or "run-master");
            result = option switch
            {
                "--sort" when processAction => result with { Sort = Bool() },
                "--verbose" when processAction => result with { Verbose = Bool() },
                "--wait" when action is "start" or "stop" => result with { Wait = Bool() },
                "--close-fds" when action == "run-master" && inline is null => result with { CloseFds = true },
                _ => throw new FormatException($"Unknown option {args[i]} for {action} (see --help)"),
            };
        }
        return result with { Names = names };
    }

    private static (string Option, string? Inline) SplitOption(string arg)
    {
        if (!arg.StartsWith("--")) return (arg, null);
        var equals = arg.IndexOf('=');
        return equals < 0 ? (arg, null) : (arg[..equals], arg[(equals + 1)..]);
    }
}
