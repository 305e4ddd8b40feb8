using System.Globalization;

namespace Instant.Web.Cli;

/// <summary>
/// Parses the <c>instant</c> command line: the original's long names and single-letter
/// aliases, <c>--name value</c> and <c>--name=value</c>, and one optional positional port.
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: instant [options] [port]

        Runs the Instant chat server: the browser client, static files and the WebSocket
        endpoints /room/NAME/ws and /api/ws, on one port (default 8080).

        Options:
          -h, --host ADDR          address to bind; * (default) binds all interfaces,
                                   localhost only local ones
          -r, --webroot PATH       directory whose pages/ and static/ override the built-in
                                   files (default .)
          -t, --tls K=V[,K=V...]   serve HTTPS/WSS: cert=FILE (PEM certificate chain, may hold
                                   the key), key=FILE (PEM private key), ca=FILE (PEM CAs
                                   to trust exclusively; client certificates then required);
                                   repeatable, the lists are joined
              --http-log FILE      append the HTTP access log (combined format) to FILE;
                                   - is standard error (default)
              --debug-log FILE     append the debugging log to FILE; - is standard error (default)
          -L, --log-level LEVEL    debugging log level: SEVERE WARNING INFO CONFIG FINE FINER
                                   FINEST ALL OFF, or Critical Error Warning Information Debug
                                   Trace None (default INFO)
          -P, --plugin-path PATHS  where to look for plugins (: separated; repeatable)
          -p, --plugins LIST       plugins to load (, separated; repeatable)
              --startup-cmd CMD    run CMD (split on spaces, no shell) and wait for it before
                                   accepting; on a port another instant holds, share it
                                   first, so a restart refuses no connection
          -o, --option K=V         set configuration value K (repeatable); K without =V
                                   unsets it, hiding environment and config file values
          -C, --config FILE        read configuration values from a Java properties file
          -V, --version            print the version and exit
          -?, --help               print this help and exit

        Configuration values are looked up in --option, then the environment
        (instant.cookies.keyfile is INSTANT_COOKIES_KEYFILE), then --config. Keys:
          instant.cookies.keyfile         file holding the cookie signing key, exactly 64
                                          bytes (else random per process: identities then
                                          end with the process)
          instant.cookies.keyfile.create  create the key file if missing or empty (yes/no)
          instant.cookies.insecure        leave the Secure attribute off the uid cookie
          instant.cookies.sameSite        SameSite of the uid cookie: Strict, Lax or None
                                          (none by default)
          instant.http.maxCacheAge        Cache-Control max-age of static files, s (3600)
          instant.http.followSymlinks     serve webroot files through symbolic links (no)
          instant.server.noReuseAddr      do not set SO_REUSEADDR on the listening socket
          instant.server.maxConnections   concurrent connections of any kind (default:
                                          open-file limit less a smaller reserve)
          instant.ws.maxFrameSize         largest accepted client frame, bytes (4194304)
          instant.ws.inputBudget          bytes of unfinished client messages all connections
                                          together may hold; past it, close 1013 (67108864)
          instant.ws.outboxBytes          bytes queued for a slow reader before it is
                                          disconnected (16777216)
          instant.ws.outboxFrames         frames queued likewise (65536)
          instant.ws.maxConnections       concurrent WebSockets (default: open-file limit
                                          less a reserve)
          instant.ws.rateLimit            messages per second per connection, and likewise
                                          WebSocket pings; 0 = none (5000)
          instant.ws.rateBurst            burst allowance above that rate (10000)
          instant.ws.allowedOrigins       page origins allowed to open WebSockets, comma
                                          separated; others get 403 (any by default)
          instant.ws.keepAlive            TCP keep-alive probe interval for WebSockets, s;
                                          0 = off (30)
          instant.rooms.idleTimeout       how long an empty room is kept, s (60)
          instant.scribe.rooms            rooms that get a Scribe inside the server (, or space
                                          separated; none by default)
          instant.scribe.directory        where those keep ROOM.sqlite (scribe)
          instant.scribe.maxlen           most posts in one log reply (no limit)
          instant.scribe.nick             their nick (Scribe)
          instant.scribe.logfiles         also write ROOM.log logfiles (true/false; false)
        """;

    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["-h"] = "--host", ["-r"] = "--webroot", ["-t"] = "--tls", ["-L"] = "--log-level",
        ["-P"] = "--plugin-path", ["-p"] = "--plugins", ["-o"] = "--option", ["-C"] = "--config",
        ["-V"] = "--version", ["-?"] = "--help",
    };

    private static readonly HashSet<string> Flags = ["--version", "--help"];

    private static readonly HashSet<string> Known =
    [
        "--host", "--webroot", "--tls", "--http-log", "--debug-log", "--log-level", "--plugin-path",
        "--plugins", "--startup-cmd", "--option", "--config", "--version", "--help",
    ];

    public static ServerOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ServerOptions();
        var tls = new List<KeyValuePair<string, string>>();
        var pluginPath = new List<string>();
        var plugins = new List<string>();
        var config = new List<KeyValuePair<string, string?>>();
        string? port = null;
        bool onlyPositional = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (onlyPositional || arg == "-" || !arg.StartsWith('-'))
            {
                if (port is not null)
                {
                    throw new CommandLineException($"unexpected argument '{arg}' (the port was already given as '{port}')");
                }

                port = arg;
                continue;
            }

            if (arg == "--")
            {
                onlyPositional = true;
                continue;
            }

            string name = arg;
            string? value = null;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                int eq = arg.IndexOf('=');
                if (eq > 0)
                {
                    name = arg[..eq];
                    value = arg[(eq + 1)..];
                }
            }
            else if (arg.Length > 2)
            {
                name = arg[..2];
                value = arg[2..];
            }

            name = Aliases.GetValueOrDefault(name, name);
            if (!Known.Contains(name))
            {
                throw new CommandLineException($"unknown option '{arg}'");
            }

            if (Flags.Contains(name))
            {
                if (value is not null)
                {
                    throw new CommandLineException($"option {name} takes no value");
                }

                options = name == "--help" ? options with { ShowHelp = true } : options with { ShowVersion = true };
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new CommandLineException($"option {name} needs a value");
                }

                value = args[++i];
            }

            switch (name)
            {
                case "--host":
                    options = options with { Host = NonEmpty(name, value) };
                    break;
                case "--webroot":
                    options = options with { WebRoot = NonEmpty(name, value) };
                    break;
                case "--tls":
                    tls.AddRange(ParsePairs(name, value));
                    break;
                case "--http-log":
                    options = options with { HttpLog = NonEmpty(name, value) };
                    break;
                case "--debug-log":
                    options = options with { DebugLog = NonEmpty(name, value) };
                    break;
                case "--log-level":
                    LogLevels.Parse(value);
                    options = options with { LogLevel = value };
                    break;
                case "--plugin-path":
                    pluginPath.AddRange(value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "--plugins":
                    plugins.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "--startup-cmd":
                    options = options with { StartupCommand = value };
                    break;
                case "--option":
                    int eq = value.IndexOf('=');
                    config.Add(eq < 0 ? new(value, null) : new(value[..eq], value[(eq + 1)..]));
                    break;
                case "--config":
                    options = options with { ConfigFile = NonEmpty(name, value) };
                    break;
            }
        }

        return options with
        {
            Port = port is null ? 8080 : ParsePort(port),
            Tls = tls,
            PluginPath = pluginPath,
            Plugins = plugins,
            Options = config,
        };
    }

    private static int ParsePort(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new CommandLineException($"invalid port '{text}': expected a number from 0 to 65535");
        }

        return port;
    }

    private static string NonEmpty(string name, string value)
        => value.Length > 0 ? value : throw new CommandLineException($"option {name} needs a non-empty value");

    private static IEnumerable<KeyValuePair<string, string>> ParsePairs(string name, string value)
    {
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw new CommandLineException($"option {name}: '{item}' is not KEY=VALUE");
            }

            yield return new(item[..eq].Trim(), item[(eq + 1)..].Trim());
        }
    }
}
