using System.Globalization;

namespace Scribe.Actors.Client;

/// <summary>What <c>scribe journal import|export</c> was asked to do.</summary>
public sealed record JournalOptions
{
    /// <summary><c>import</c> or <c>export</c>; null with <see cref="Help"/>.</summary>
    public string? Command { get; init; }

    public string? Journal { get; init; }

    public string Directory { get; init; } = "scribe";

    public string? Room { get; init; }

    public string? MessageDb { get; init; }

    /// <summary>Logfiles to import, each with the rotation pattern given after it (if any).</summary>
    public IReadOnlyList<(string File, string? Rotation)> Logfiles { get; init; } = [];

    public int Batch { get; init; } = Scribe.Actors.Journal.JournalTransfer.DefaultBatch;

    public bool Quiet { get; init; }

    public bool Help { get; init; }
}

/// <summary>Parses <c>scribe journal import|export [options]</c>.</summary>
public static class JournalCommandLine
{
    public const string HelpText = """
        Usage: scribe journal import --room ROOM [--journal SPEC] (--msgdb FILE | --read-file FILE...)
               scribe journal export --room ROOM [--journal SPEC] --msgdb FILE

        Moves a room's Scribe log between its journal (what the server's Scribe keeps) and the
        standalone Scribe's homes. Stop the room's Scribe first: a log has one writer at a time.

          import              Copy posts and uuids from a message database (the standalone
                              Scribe's SQLite schema, --msgdb) and/or Scribe logfiles into the
                              room's journal. Posts the journal has already are skipped.
          export              Write every post of the room's journal, with its sender's uuid,
                              into a message database of the standalone Scribe's schema
                              (created if missing; posts with the same id are replaced).

        Options:
          --room ROOM         The room whose log is moved (its journal id is scribe-ROOM).
          --journal SPEC      The journal, as instant.scribe.journal: 'sqlite' (the default,
                              DIRECTORY/journal.sqlite), 'sqlite:PATH', a PostgreSQL URL
                              'postgresql://USER:PASSWORD@HOST:PORT/DATABASE' or an Npgsql
                              connection string 'Host=...;Database=...;Username=...'.
          --directory DIR     DIRECTORY for the default journal (instant.scribe.directory;
                              default scribe).
          --msgdb FILE        The message database to read (import) or write (export).
          --read-file FILE    A logfile to import ('-': standard input); may be repeated.
          --read-rotate PAT   The preceding --read-file was rotated with PAT (see scribe
                              --help, --logrotate): read its rotated-out predecessors first.
          --batch N           Posts per journal write and per progress line (default 5000).
          --quiet             No progress lines, only the summary.
          --help              Show this help and exit.

        Progress goes to standard error, the summary to standard output. Exit status: 0 done,
        1 failed (reason on standard error), 2 bad command line.
        """;

    public static JournalOptions Parse(IReadOnlyList<string> args)
    {
        var options = new JournalOptions();
        var logfiles = new List<(string File, string? Rotation)>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? inline = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
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

            switch (name)
            {
                case "import" or "export" when options.Command is null:
                    options = options with { Command = name };
                    break;
                case "--help" or "-h":
                    options = options with { Help = true };
                    break;
                case "--journal":
                    options = options with { Journal = Value() };
                    break;
                case "--directory":
                    options = options with { Directory = Value() };
                    break;
                case "--room":
                    string room = Value();
                    if (!Instant.Actors.Rooms.RoomNames.IsValid(room))
                    {
                        throw new CommandLineException($"--room: '{room}' is not a room name");
                    }

                    options = options with { Room = room };
                    break;
                case "--msgdb":
                    options = options with { MessageDb = Value() };
                    break;
                case "--read-file":
                    logfiles.Add((Value(), null));
                    break;
                case "--read-rotate":
                    string rotation = Value();
                    if (logfiles.Count == 0 || logfiles[^1].Rotation is not null)
                    {
                        throw new CommandLineException("--read-rotate must follow the --read-file it belongs to");
                    }

                    try
                    {
                        Logging.LogRotation.Parse(rotation);
                    }
                    catch (FormatException e)
                    {
                        throw new CommandLineException($"--read-rotate: {e.Message}");
                    }

                    logfiles[^1] = (logfiles[^1].File, rotation);
                    break;
                case "--batch":
                    string batch = Value();
                    if (!int.TryParse(batch, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size < 1 || size > 100_000)
                    {
                        throw new CommandLineException($"--batch: '{batch}' is not a number from 1 to 100000");
                    }

                    options = options with { Batch = size };
                    break;
                case "--quiet":
                    options = options with { Quiet = true };
                    break;
                default:
                    throw new CommandLineException(arg.StartsWith('-') ? $"unknown option {name} (see scribe journal --help)" : $"unexpected argument '{arg}' (see scribe journal --help)");
            }
        }

        options = options with { Logfiles = logfiles };
        if (options.Help)
        {
            return options;
        }

        if (options.Command is null)
        {
            throw new CommandLineException("say import or export (see scribe journal --help)");
        }

        if (options.Room is null)
        {
            throw new CommandLineException("--room is required");
        }

        if (options.Command == "import" && options.MessageDb is null && logfiles.Count == 0)
        {
            throw new CommandLineException("import needs --msgdb FILE or --read-file FILE");
        }

        if (options.Command == "export" && (options.MessageDb is null || logfiles.Count > 0))
        {
            throw new CommandLineException("export needs --msgdb FILE (and no --read-file)");
        }

        return options;
    }
}
