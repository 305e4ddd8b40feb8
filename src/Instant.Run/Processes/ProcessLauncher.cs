using System.Diagnostics;
using System.Text;
using Instant.Run.Config;

namespace Instant.Run.Processes;

/// <summary>The outcome of launching: a started process, or an errno-style error name.</summary>
public sealed record LaunchResult(Process? Process, string? Error)
{
    public int Pid => Process!.Id;
}

/// <summary>
/// Starts a configured process: creates <c>mkdirs</c> and the parent directories of redirection
/// targets, then runs the command through <c>/bin/sh -c 'exec ...'</c> so that shell-style
/// redirections apply and the pid stays the command's own.
/// </summary>
public static class ProcessLauncher
{
    public static LaunchResult Launch(ProcessConfig config, string baseDirectory, IReadOnlyList<string>? extraArguments = null)
    {
        var workDir = config.WorkDir ?? baseDirectory;
        try
        {
            foreach (var dir in config.Mkdirs) Directory.CreateDirectory(dir);
            foreach (var redirection in new[] { config.Stdin, config.Stdout, config.Stderr })
                if (redirection.Path is { } target && redirection.Kind != RedirectionKind.DevNull)
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new LaunchResult(null, e is UnauthorizedAccessException ? "EACCES" : "EIO");
        }
        if (!Directory.Exists(workDir)) return new LaunchResult(null, "ENOENT");
        if (config.Stdin is { Kind: RedirectionKind.Read, Path: { } input } && !File.Exists(input))
            return new LaunchResult(null, "ENOENT");

        var environment = new Dictionary<string, string?>();
        foreach (var (key, value) in config.Environment) environment[key] = value;
        var commandError = CheckCommand(config.Command[0], workDir,
            environment.TryGetValue("PATH", out var path) ? path : Environment.GetEnvironmentVariable("PATH"));
        if (commandError is not null) return new LaunchResult(null, commandError);

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workDir };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\"" + RedirectionScript(config));
        start.ArgumentList.Add(config.Name);
        foreach (var word in config.Command) start.ArgumentList.Add(word);
        foreach (var word in extraArguments ?? []) start.ArgumentList.Add(word);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        try
        {
            var process = Process.Start(start)!;
            process.EnableRaisingEvents = true;
            return new LaunchResult(process, null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new LaunchResult(null, e.NativeErrorCode == 13 ? "EACCES" : "ENOENT");
        }
    }

    /// <summary>ENOENT/EACCES as exec would report them, decided before the shell runs.</summary>
    private static string? CheckCommand(string command, string workDir, string? searchPath)
    {
        IEnumerable<string> candidates = command.Contains('/')
            ? [Path.GetFullPath(command, workDir)]
            : (searchPath ?? "/usr/local/bin:/usr/bin:/bin").Split(':').Select(dir => Path.Combine(dir.Length == 0 ? workDir : dir, command));
        var sawFile = false;
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate)) continue;
            sawFile = true;
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & anyExecute) != 0) return null;
        }
        return sawFile ? "EACCES" : "ENOENT";
    }

    private static string RedirectionScript(ProcessConfig config)
    {
        var script = new StringBuilder();
        void Add(string fd, Redirection redirection, string devNullOperator)
        {
            var op = redirection.Kind switch
            {
                RedirectionKind.Inherit => null,
                RedirectionKind.DevNull => devNullOperator,
                RedirectionKind.ToStdout => null,
                RedirectionKind.Read => "<",
                RedirectionKind.Truncate => ">",
                RedirectionKind.Append => ">>",
                RedirectionKind.ReadWrite => "<>",
                _ => null,
            };
            if (redirection.Kind == RedirectionKind.ToStdout) script.Append(" 2>&1");
            else if (op is not null) script.Append(' ').Append(fd).Append(op).Append(SingleQuote(redirection.Path!));
        }
        Add("0", config.Stdin, "<");
        Add("1", config.Stdout, ">");
        Add("2", config.Stderr, ">");
        return script.ToString();
    }

    private static string SingleQuote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    /// <summary>The exit code in the original's convention: negative signal numbers for signal deaths.</summary>
    public static int ExitCode(Process process)
    {
        var code = process.ExitCode;
        return code is > 128 and < 160 ? -(code - 128) : code;
    }
}
