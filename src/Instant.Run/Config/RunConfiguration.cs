namespace Instant.Run.Config;

/// <summary>
/// A loaded run.ini: the processes in configuration order and the master settings. Relative
/// paths are resolved against <see cref="BaseDirectory"/>, the orchestrator's working directory
/// (<c>[master] work-dir</c> relative to the file's directory, or the current directory).
/// </summary>
public sealed class RunConfiguration
{
    public const string DefaultPath = "config/run.ini";

    public required string ConfigPath { get; init; }
    public required string BaseDirectory { get; init; }
    public required IReadOnlyList<ProcessConfig> Processes { get; init; }
    public required MasterConfig Master { get; init; }
    public required IReadOnlyList<string> ProcessPrefixes { get; init; }

    public ProcessConfig? Find(string name) => Processes.FirstOrDefault(p => p.Name == name);

    /// <summary>Loads a file; the current directory applies when <c>[master] work-dir</c> is absent.</summary>
    public static RunConfiguration Load(string path, string? currentDirectory = null)
    {
        var fullPath = Path.GetFullPath(path, currentDirectory ?? Directory.GetCurrentDirectory());
        return FromDocument(IniDocument.Load(fullPath), fullPath, currentDirectory ?? Directory.GetCurrentDirectory());
    }

    public static RunConfiguration FromDocument(IniDocument document, string configPath, string currentDirectory)
    {
        var resolver = new SectionResolver(document);
        resolver.Validate();
        var master = resolver.Resolve("master");
        var baseDirectory = currentDirectory;
        if (master.TryGetValue("work-dir", out var workDir) && workDir.Trim().Length > 0)
            baseDirectory = Path.GetFullPath(workDir.Trim(), Path.GetDirectoryName(configPath)!);

        var meta = resolver.Resolve("meta");
        var prefixes = meta.TryGetValue("proc-prefixes", out var prefixText)
            ? prefixText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : ["proc"];

        var processes = new List<ProcessConfig>();
        foreach (var section in document.SectionNames)
        {
            if (SectionResolver.IsTemplate(section) || !prefixes.Any(p => Matches(p, section))) continue;
            var process = ReadProcess(section, resolver.Resolve(section), baseDirectory);
            if (processes.Any(p => p.Name == process.Name))
                throw new ConfigException($"Duplicate process name '{process.Name}' in section [{section}]");
            processes.Add(process);
        }

        return new RunConfiguration
        {
            ConfigPath = configPath,
            BaseDirectory = baseDirectory,
            Processes = processes,
            Master = ReadMaster(master, baseDirectory),
            ProcessPrefixes = prefixes,
        };
    }

    /// <summary>Whether a process-section prefix selects the section.</summary>
    public static bool Matches(string prefix, string section) =>
        prefix.EndsWith('/') ? section.StartsWith(prefix, StringComparison.Ordinal)
            : section == prefix || section.StartsWith(prefix + "/", StringComparison.Ordinal);

    private static ProcessConfig ReadProcess(string section, OrderedDictionary<string, string> values, string baseDirectory)
    {
        string Where(string key) => $"section [{section}], key '{key}'";
        string? Optional(string key) => values.TryGetValue(key, out var v) && v.Trim().Length > 0 ? v.Trim() : null;
        T Convert<T>(string key, Func<T> convert)
        {
            try { return convert(); }
            catch (FormatException e) { throw new ConfigException($"{Where(key)}: {e.Message}"); }
        }

        var name = Optional("name") ?? throw new ConfigException($"Process section [{section}] has no 'name'");
        if (name.Any(char.IsWhiteSpace) || name.Contains('='))
            throw new ConfigException($"{Where("name")}: process name '{name}' contains white space or '='");
        var commandText = Optional("cmdline") ?? throw new ConfigException($"Process section [{section}] ('{name}') has no 'cmdline'");
        var command = Convert("cmdline", () => ShellWords.Split(commandText));
        if (command.Count == 0) throw new ConfigException($"{Where("cmdline")}: empty command line");

        var environment = new List<KeyValuePair<string, string>>();
        foreach (var word in Convert("env", () => ShellWords.Split(Optional("env") ?? "")))
        {
            var equals = word.IndexOf('=');
            if (equals <= 0) throw new ConfigException($"{Where("env")}: '{word}' is not NAME=VALUE");
            environment.Add(new(word[..equals], word[(equals + 1)..]));
        }
        string Absolute(string p) => Path.GetFullPath(p, baseDirectory);
        var pidFile = Absolute(Optional("pid-file") ?? $"run/{name}.pid");
        Redirection Redirect(string stream) =>
            Redirection.Parse(values.TryGetValue(stream, out var v) ? v : "", stream, baseDirectory);

        return new ProcessConfig
        {
            Name = name,
            Section = section,
            Command = command,
            CommandText = commandText,
            Environment = environment,
            Mkdirs = Convert("mkdirs", () => ShellWords.Split(Optional("mkdirs") ?? "")).Select(Absolute).ToList(),
            WorkDir = Optional("work-dir") is { } dir ? Absolute(dir) : null,
            Stdin = Redirect("stdin"),
            Stdout = Redirect("stdout"),
            Stderr = Redirect("stderr"),
            PidFile = pidFile,
            PidFileWarmup = Optional("pid-file-warmup") is { } warm ? Absolute(warm) : pidFile + ".new",
            StartupNotify = values.TryGetValue("startup-notify", out var notify) && notify.Length > 0 ? notify : null,
            StopWait = Optional("stop-wait") is { } wait ? Convert("stop-wait", () => ConfigValues.ParseSeconds(wait, "stop-wait")) : 0,
            RestartDelay = Optional("restart-delay") is { } delay ? Convert("restart-delay", () => ConfigValues.ParseSeconds(delay, "restart-delay")) : null,
            RestartMinAlive = Optional("restart-min-alive") is { } alive ? Convert("restart-min-alive", () => ConfigValues.ParseSeconds(alive, "restart-min-alive")) : 0,
            Values = values,
        };
    }

    private static MasterConfig ReadMaster(OrderedDictionary<string, string> values, string baseDirectory)
    {
        string? Optional(string key) => values.TryGetValue(key, out var v) && v.Trim().Length > 0 ? v.Trim() : null;
        T Convert<T>(string key, Func<T> convert)
        {
            try { return convert(); }
            catch (FormatException e) { throw new ConfigException($"section [master], key '{key}': {e.Message}"); }
        }
        return new MasterConfig
        {
            Mode = Optional("mode") is { } mode ? Convert("mode", () => ConfigValues.ParseMode(mode)) : null,
            CommPath = Path.GetFullPath(Optional("comm-path") ?? "run/run.comm", baseDirectory),
            CommMkdirs = Optional("comm-mkdirs") is not { } mk || Convert("comm-mkdirs", () => ConfigValues.ParseBool(mk)),
            PidFile = Optional("pid-file") is { } pid ? Path.GetFullPath(pid, baseDirectory) : null,
            LogFile = Optional("log-file") is { } log ? Path.GetFullPath(log, baseDirectory) : null,
            LogLevel = Optional("log-level") is { } level ? Convert("log-level", () => ConfigValues.ParseLogLevel(level)) : LogLevel.Info,
            LogTimestamps = Optional("log-timestamps") is not { } ts || Convert("log-timestamps", () => ConfigValues.ParseBool(ts)),
        };
    }
}
