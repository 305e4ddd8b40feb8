using System.Globalization;
using Instant.Protocol;

namespace Scribe.Actors.Client;

/// <summary>
/// Parses <c>scribe [options] [URL]</c>. Long options take <c>--opt=value</c> or
/// <c>--opt value</c>; <c>--</c> ends the options.
/// </summary>
public static class ScribeCommandLine
{
    public const string HelpText = """
        Usage: scribe [options] [URL]

        Scribe keeps the logs of an Instant room: it records every post, answers other
        participants' requests for history, and fetches history it lacks from them.

        URL                   WebSocket of the room, e.g. ws://localhost:8080/room/test/ws
                              (wss:// for TLS). Without it, Scribe only opens the message
                              database, reads --read-file into it, and exits.

        Scribe options:
          --maxlen N          Cap every log reply at N posts (and the in-memory store at N
                              posts). Default: no cap.
          --msgdb FILE        Keep posts in an SQLite database FILE (the original Scribe's
                              schema). ':memory:' is an in-memory database without the cap.
          --no-msgdb          Store no posts at all.
          --read-file FILE    Read posts from a Scribe logfile (ours or the original's) into
                              the database before connecting; '-' reads standard input.
          --read-rotate PAT   The --read-file was rotated with pattern PAT (see --logrotate):
                              read its rotated-out predecessors first.
          --push-logs ID      After connecting, send the whole store to participant ID, then
                              broadcast a log-inquiry. May be repeated.
          --dont-stay         Exit once the logs are up to date.
          --dont-pull         Do not fetch logs from others. With --dont-stay: exit when
                              another client announces it is done.
          --ping-delay SEC    Seconds between keep-alive pings (default 3600). A connection
                              that saw pongs but none for 3 delays is re-established.

        Bot options:
          --nick NAME         Nickname (default Scribe). An empty NAME is invisible but
                              still counted.
          --no-nick           Never announce a nickname.
          --cookies FILE      Keep cookies (the identity) in an LWP cookie file FILE
                              (created with mode 600); '' keeps them in memory only.
          --no-cookies        Send no cookies (the default): a new identity per connection.
          --tls K=V[,K=V]     TLS for wss:// URLs: ca=FILE (the only trusted CAs, PEM),
                              cert=FILE and key=FILE (client certificate, PEM).
          --logfile FILE      Write the machine-readable log to FILE ('-': standard output,
                              the default).
          --logrotate PAT     Rotate the logfile: PERIOD[:COMPRESSION], PERIOD one of X
                              (never), Y, M, D, H; COMPRESSION one of none, gz, bz2, lzma.
          --no-log            Write no log at all.
          --help              Show this help and exit.
          --version           Show the version and exit.

        Environment: SCRIBE_DB_SYNC sets SQLite's synchronous level (default FULL).

        scribe journal import|export ...  moves a room's log between the server's journal and
                              a message database or logfiles (scribe journal --help).
        """;

    public static ScribeOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ScribeOptions();
        var pushLogs = new List<string>();
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || !arg.StartsWith("--", StringComparison.Ordinal) || arg == "-")
            {
                if (options.Url is not null)
                {
                    throw new CommandLineException($"unexpected argument '{arg}' (only one URL)");
                }

                options = options with { Url = ParseUrl(arg) };
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            string name = arg;
            string? inline = null;
            int eq = arg.IndexOf('=');
            if (eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new CommandLineException($"option {name} needs a value");
                }

                return args[++i];
            }

            void NoValue()
            {
                if (inline is not null)
                {
                    throw new CommandLineException($"option {name} takes no value");
                }
            }

            switch (name)
            {
                case "--help":
                    NoValue();
                    options = options with { Help = true };
                    break;
                case "--version":
                    NoValue();
                    options = options with { Version = true };
                    break;
                case "--maxlen":
                    options = options with { MaxLength = ParsePositive(name, Value()) };
                    break;
                case "--msgdb":
                    options = options with { MessageDb = Value(), NoMessageDb = false };
                    break;
                case "--no-msgdb":
                    NoValue();
                    options = options with { NoMessageDb = true, MessageDb = null };
                    break;
                case "--read-file":
                    options = options with { ReadFile = Value() };
                    break;
                case "--read-rotate":
                    options = options with { ReadRotate = CheckRotation(name, Value()) };
                    break;
                case "--push-logs":
                    string id = Value();
                    if (!IdFormat.TryParseLenient(id, out _))
                    {
                        throw new CommandLineException($"--push-logs: '{id}' is not a participant id (16 hex digits)");
                    }

                    pushLogs.Add(id.ToUpperInvariant().PadLeft(16, '0'));
                    break;
                case "--dont-stay":
                    NoValue();
                    options = options with { DontStay = true };
                    break;
                case "--dont-pull":
                    NoValue();
                    options = options with { DontPull = true };
                    break;
                case "--ping-delay":
                    string delay = Value();
                    if (!double.TryParse(delay, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || double.IsInfinity(seconds))
                    {
                        throw new CommandLineException($"--ping-delay: '{delay}' is not a positive number of seconds");
                    }

                    options = options with { PingDelaySeconds = seconds };
                    break;
                case "--nick":
                    options = options with { Nick = Value() };
                    break;
                case "--no-nick":
                    NoValue();
                    options = options with { Nick = null };
                    break;
                case "--cookies":
                    options = options with { Cookies = Value() };
                    break;
                case "--no-cookies":
                    NoValue();
                    options = options with { Cookies = null };
                    break;
                case "--tls":
                    options = options with { Tls = ParseTls(Value()) };
                    break;
                case "--logfile":
                    options = options with { LogFile = Value(), NoLog = false };
                    break;
                case "--logrotate":
                    options = options with { LogRotate = CheckRotation(name, Value()) };
                    break;
                case "--no-log":
                    NoValue();
                    options = options with { NoLog = true };
                    break;
                default:
                    throw new CommandLineException($"unknown option {name} (see --help)");
            }
        }

        return options with { PushLogs = pushLogs };
    }

    private static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss"))
        {
            throw new CommandLineException($"'{text}' is not a ws:// or wss:// URL");
        }

        return uri;
    }

    private static int ParsePositive(string name, string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
        {
            throw new CommandLineException($"{name}: '{text}' is not a positive integer");
        }

        return value;
    }

    private static string CheckRotation(string name, string pattern)
    {
        try
        {
            Logging.LogRotation.Parse(pattern);
            return pattern;
        }
        catch (FormatException e)
        {
            throw new CommandLineException($"{name}: {e.Message}");
        }
    }

    private static Dictionary<string, string> ParseTls(string text)
    {
        var result = new Dictionary<string, string>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw new CommandLineException($"--tls: '{item}' is not KEY=VALUE");
            }

            string key = item[..eq].Trim();
            if (key is not ("ca" or "cert" or "key"))
            {
                throw new CommandLineException($"--tls: unknown key '{key}' (use ca, cert, key)");
            }

            if (!result.TryAdd(key, item[(eq + 1)..]))
            {
                throw new CommandLineException($"--tls: duplicate key '{key}'");
            }
        }

        return result;
    }
}
