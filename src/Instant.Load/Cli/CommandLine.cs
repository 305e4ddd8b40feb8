using System.Globalization;

namespace Instant.Load.Cli;

/// <summary>Bad input on the command line; the message is shown to the user as is.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Parses <c>instant-load SCENARIO [options]</c> into <see cref="LoadOptions"/>.</summary>
internal static class CommandLine
{
    public const string Help = """
        instant-load: load-test rooms of an Instant-protocol server (ours or the original Java one).

        Usage: instant-load SCENARIO [options]
               instant-load --help | --version

        Scenarios:
          idle        open --clients connections over --rooms rooms and hold them for --duration
          chat        every client posts (replies in threads with --reply-ratio); closed loop with
                      --posts/--in-flight, or open loop with --rate for --duration
          fanout      --senders clients per room post, every client receives: the broadcast fan-out
          join-storm  --clients clients join one room at once; measures connect and settle time
          churn       opens --rate connections per second, each lives --lifetime seconds, for --duration
          history     --seeders post --posts posts, then --clients late joiners pull the logs
                      (log-query, log-info, log-request, log) from the seeders or a Scribe in the room

        Target:
          --server URL[,URL...]    server base address: ws://HOST:PORT, wss://..., http(s)://... (default
                                   ws://127.0.0.1:8080); rooms are reached at URL/room/NAME/ws. Repeat
                                   the option or list URLs with commas to spread the clients over the
                                   nodes of a cluster: client i connects to URL i mod the number of URLs
          --rooms N                number of rooms; client i joins room i mod N (default 1)
          --room-prefix NAME       room names are NAME0, NAME1, ... (default "load")

        Load shape:
          -c, --clients N          connections (chat/fanout/idle/join-storm: all of them; history: late
                                   joiners) (default 10)
          --ramp-up SECONDS        spread the connects evenly over this time (default 0: as fast as
                                   --connect-concurrency allows)
          -d, --duration SECONDS   how long to hold (idle), post (open loop), or churn (default 10)
          -s, --size BYTES         approximate size of a post's data object in bytes (default 100)
          --rate R                 open loop: posts per second summed over all senders; churn: new
                                   connections per second (default 0 = closed loop / 10 for churn)
          -p, --posts N            closed loop: send exactly N posts in all (history: posts to seed)
          -w, --in-flight N        closed loop: at most N posts outstanding; a post completes when its
                                   sender receives the broadcast back (default 16)
          --senders N              fanout: senders per room (default 1)
          --reply-ratio F          chat: share of posts that reply to the latest post seen (default 0.5)
          --lifetime SECONDS       churn: how long each connection stays open (default 5)
          --seeders N              history: clients that post the seed and hold logs (default 1)
          --no-seed-serve          history: seeders do not answer log requests (a Scribe must)
          --log-wait SECONDS       history: how long a joiner collects log-info answers (default 1)

        Protocol behaviour:
          --browser                behave like the browser client: announce a nick, broadcast who and
                                   log-query on join, answer who/log-query/log-request from peers
          --browser-log N          posts each browser-like client keeps to answer log requests (100)
          --ping-interval SECONDS  protocol ping with a 'next' deadline this often (default 30; 0 = off)

        Reconnecting (a reconnect storm when a node dies):
          --reconnect              a client whose connection the server closes or resets connects again,
                                   to the next --server URL (wrapping around), after a jittered backoff
                                   (first 0.1-0.5 s, doubling per failed attempt, at most 5 s), and
                                   rejoins its room; the summary reports losses, comebacks, recovery
                                   times and reconnects/s per node
          --reconnect-spread       with --reconnect: the clients of a lost node start at different next
                                   URLs (spread over the other nodes) instead of all at the next one

        Connections:
          --connect-concurrency N  handshakes in progress at once per process (default 256)
          --connect-timeout SECONDS  give up on one connect after this long (default 30)
          --source-addresses N     bind clients to 127.0.0.1..127.0.0.N round robin, to pass the
                                   ~28,000 ephemeral ports per source address (loopback IPv4 only;
                                   default: one address per 20,000 clients)
          --workers N              spread the clients over N worker processes (each under the open-file
                                   limit); results are merged (default: one per 15,000 clients)
          --drain SECONDS          after sending stops, wait at most this long for outstanding
                                   deliveries (default 10)

        Measurement and output:
          --server-pid PID         sample the server process's CPU and resident memory from /proc
          -o, --out DIR            write summary.json, timeline.csv, latency.csv, report.html and PNG
                                   plots here (default: results/SCENARIO-YYYYMMDD-HHMMSS)
          --label TEXT             a name for this run in the reports
          --plain                  plain progress lines instead of the live display (automatic when
                                   stdout is not a terminal)
          -q, --quiet              no progress output, only the summary
          -h, --help               show this text
          -V, --version            print the version

        Measured: connect time; delivery latency (send to each receipt, from a timestamp embedded in the
        post); fan-out latency (first to last receipt of one post within one process); deliveries/s
        (deliveries divided by the time during which deliveries arrived, the same in the live view,
        timeline and summary); errors and disconnects by cause, per node; with --reconnect, recovery
        time from a loss to the client being back; with --server-pid, server CPU and RSS. Percentiles
        come from HdrHistogram (microsecond resolution, 3 significant digits).

        Exit status: 0 ok; 1 the run completed with lost posts or errors; 2 bad usage; 3 the server was
        unreachable or went away, or the run was interrupted (Ctrl-C, SIGTERM); what was measured so
        far is still written.

        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new UsageException("missing scenario (idle, chat, fanout, join-storm, churn, history); see --help");
        var scenario = args[0] switch
        {
            "idle" => ScenarioKind.Idle,
            "chat" => ScenarioKind.Chat,
            "fanout" => ScenarioKind.Fanout,
            "join-storm" => ScenarioKind.JoinStorm,
            "churn" => ScenarioKind.Churn,
            "history" => ScenarioKind.History,
            _ => throw new UsageException($"unknown scenario '{args[0]}' (expected idle, chat, fanout, join-storm, churn or history); see --help"),
        };
        var servers = new List<Uri>();
        var o = new LoadOptions { Scenario = scenario, Servers = [new Uri("ws://127.0.0.1:8080/")] };
        bool rateGiven = false;
        for (int i = 1; i < args.Count; i++)
        {
            string a = args[i];
            string? inline = null;
            int eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { inline = a[(eq + 1)..]; a = a[..eq]; }
            string Value()
            {
                if (inline != null) return inline;
                if (i + 1 >= args.Count) throw new UsageException($"option {a} needs a value; see --help");
                return args[++i];
            }
            switch (a)
            {
                case "--server": servers.AddRange(ParseServers(Value())); break;
                case "--rooms": o = o with { Rooms = Int(a, Value(), 1) }; break;
                case "--room-prefix": o = o with { RoomPrefix = RoomPrefix(Value()) }; break;
                case "-c" or "--clients": o = o with { Clients = Int(a, Value(), 1) }; break;
                case "--ramp-up": o = o with { RampUpSeconds = Dbl(a, Value(), 0) }; break;
                case "-d" or "--duration": o = o with { DurationSeconds = Dbl(a, Value(), 0) }; break;
                case "-s" or "--size": o = o with { MessageSize = Int(a, Value(), 0) }; break;
                case "--rate": o = o with { Rate = Dbl(a, Value(), 0) }; rateGiven = true; break;
                case "-p" or "--posts": o = o with { Posts = Int(a, Value(), 0) }; break;
                case "-w" or "--in-flight": o = o with { InFlight = Int(a, Value(), 1) }; break;
                case "--senders": o = o with { Senders = Int(a, Value(), 1) }; break;
                case "--reply-ratio": o = o with { ReplyRatio = Dbl(a, Value(), 0, 1) }; break;
                case "--lifetime": o = o with { LifetimeSeconds = Dbl(a, Value(), 0) }; break;
                case "--seeders": o = o with { Seeders = Int(a, Value(), 1) }; break;
                case "--no-seed-serve": o = o with { SeedersServe = false }; break;
                case "--log-wait": o = o with { LogWaitSeconds = Dbl(a, Value(), 0) }; break;
                case "--browser": o = o with { Browser = true }; break;
                case "--browser-log": o = o with { BrowserLog = Int(a, Value(), 0) }; break;
                case "--ping-interval": o = o with { PingIntervalSeconds = Dbl(a, Value(), 0) }; break;
                case "--connect-concurrency": o = o with { ConnectConcurrency = Int(a, Value(), 1) }; break;
                case "--connect-timeout": o = o with { ConnectTimeoutSeconds = Dbl(a, Value(), 0.1) }; break;
                case "--source-addresses": o = o with { SourceAddresses = Int(a, Value(), 1, 254) }; break;
                case "--workers": o = o with { Workers = Int(a, Value(), 1, 64) }; break;
                case "--drain": o = o with { DrainSeconds = Dbl(a, Value(), 0) }; break;
                case "--reconnect": o = o with { Reconnect = true }; break;
                case "--reconnect-spread": o = o with { ReconnectSpread = true }; break;
                case "--server-pid": o = o with { ServerPid = Int(a, Value(), 1) }; break;
                case "-o" or "--out": o = o with { OutputDirectory = Value() }; break;
                case "--label": o = o with { Label = Value() }; break;
                case "--plain": o = o with { Plain = true }; break;
                case "-q" or "--quiet": o = o with { Quiet = true }; break;
                // Internal: set by the coordinator on the worker processes it starts.
                case "--worker-index": o = o with { WorkerIndex = Int(a, Value(), 0) }; break;
                case "--worker-count": o = o with { WorkerCount = Int(a, Value(), 1) }; break;
                default: throw new UsageException($"unknown option '{args[i]}'; see --help");
            }
        }
        if (servers.Count > 0) o = o with { Servers = servers };
        if (o.ReconnectSpread && !o.Reconnect) throw new UsageException("--reconnect-spread needs --reconnect");
        if (o.Scenario == ScenarioKind.Churn && !rateGiven) o = o with { Rate = 10 };
        if (o.Scenario == ScenarioKind.JoinStorm && o.Rooms != 1) throw new UsageException("join-storm uses one room; drop --rooms");
        if (o.Scenario == ScenarioKind.Churn && o.Rate <= 0) throw new UsageException("churn needs --rate > 0 (connections per second)");
        if (o.Scenario == ScenarioKind.History && o.Posts == 0) o = o with { Posts = 100 };
        if (o.Scenario == ScenarioKind.Fanout && o.Senders > o.Clients) throw new UsageException($"--senders ({o.Senders}) exceeds --clients ({o.Clients})");
        if (o.Posts > 0 && o.Rate > 0 && o.Scenario is ScenarioKind.Chat or ScenarioKind.Fanout)
            throw new UsageException("give either --posts (closed loop) or --rate (open loop), not both");
        if (o.Scenario is ScenarioKind.Chat or ScenarioKind.Fanout && o.Posts == 0 && o.Rate == 0)
            o = o with { Rate = 10 };
        return o;
    }

    private static IEnumerable<Uri> ParseServers(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0)) throw new UsageException($"--server: '{text}' has an empty URL in its list");
        return parts.Select(ParseServer).ToList();
    }

    private static Uri ParseServer(string text)
    {
        if (!text.Contains("://", StringComparison.Ordinal)) text = "ws://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)) throw new UsageException($"--server: '{text}' is not a URL");
        string scheme = uri.Scheme switch
        {
            "ws" or "http" => "ws",
            "wss" or "https" => "wss",
            _ => throw new UsageException($"--server: scheme '{uri.Scheme}' is not ws, wss, http or https"),
        };
        return new UriBuilder(uri) { Scheme = scheme, Port = uri.IsDefaultPort ? (scheme == "ws" ? 80 : 443) : uri.Port }.Uri;
    }

    private static string RoomPrefix(string text)
    {
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]) || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw new UsageException($"--room-prefix: '{text}' must start with a letter and hold only letters, digits, '_' and '-'");
        return text;
    }

    private static int Int(string name, string text, int min, int max = int.MaxValue)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new UsageException($"option {name}: '{text}' is not a whole number in {min}..{max}");
        return v;
    }

    private static double Dbl(string name, string text, double min, double max = double.MaxValue)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || double.IsNaN(v) || v < min || v > max)
            throw new UsageException($"option {name}: '{text}' is not a number in {min}..{max}");
        return v;
    }
}
