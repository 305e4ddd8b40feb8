using Instant.Run.Config;
using Xunit;

namespace Instant.Run.Tests;

/// <summary>The example configuration of docs/RUN.md parses and means what the text says.</summary>
public class DocumentedExampleSpecs
{
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Instant.Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>The example configuration of docs/RUN.md, as written there.</summary>
    public static string Ini()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "RUN.md"));
        var start = text.IndexOf("```ini\n", StringComparison.Ordinal) + "```ini\n".Length;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void Run_md_example_resolves()
    {
        var ini = Ini();
        var config = RunConfiguration.FromDocument(IniDocument.Parse(ini), "/opt/instant/config/run.ini", "/");

        Assert.Equal("/opt/instant", config.BaseDirectory);
        Assert.Equal(MasterMode.Action, config.Master.Mode);
        Assert.Equal(["instant", "scribe-welcome"], config.Processes.Select(p => p.Name));
        var instant = config.Processes[0];
        Assert.Equal(["bin/instant", "-h", "localhost", "8080", "--http-log=log/Instant.log"], instant.Command);
        Assert.Equal("--startup-cmd", instant.StartupNotify);
        Assert.Equal((1.0, 10.0), (instant.RestartDelay, instant.RestartMinAlive));
        Assert.Equal(["bin/scribe", "--cookies", "config/scribe-welcome-cookies.txt", "--msgdb", "db/messages-welcome.sqlite",
            "--maxlen", "100", "ws://localhost:8080/room/welcome/ws"], config.Processes[1].Command);
    }
}
