using System.Reflection;
using Instant.Load.Cli;
using Instant.Load.Output;
using Instant.Load.Workers;

namespace Instant.Load;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args.Any(a => a is "-h" or "--help"))
        {
            Console.Out.Write(CommandLine.Help);
            return args.Length == 0 ? 2 : 0;
        }
        if (args.Any(a => a is "-V" or "--version"))
        {
            Console.Out.WriteLine(VersionLine());
            return 0;
        }
        LoadOptions options;
        try
        {
            options = CommandLine.Parse(args);
        }
        catch (UsageException e)
        {
            return Fail(e.Message, 2);
        }
        try
        {
            if (options.IsWorker) return await WorkerHost.RunAsync(options);
            return await RunAsync(options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return Fail(e.Message, 3);
        }
    }

    /// <summary>Every message to the user on stderr has the same shape: <c>instant-load: message</c>.</summary>
    private static int Fail(string message, int status)
    {
        Console.Error.WriteLine("instant-load: " + message);
        return status;
    }

    private static string VersionLine()
    {
        string informational = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+');
        return plus < 0 ? $"instant-load (Instant.Actors) {informational}" : $"instant-load (Instant.Actors) {informational[..plus]} ({informational[(plus + 1)..]})";
    }

    private static async Task<int> RunAsync(LoadOptions options)
    {
        using var signals = new StopSignals();
        var progress = Progress.For(options);
        var coordinator = new Coordinator(options, progress.Tick);
        string? probe = await coordinator.ProbeAsync(signals.Token);
        if (signals.Token.IsCancellationRequested) return Fail("interrupted before the run started; nothing was measured", 3);
        if (probe != null) return Fail($"{probe}. Is the server running there?", 3);
        string? dir = options.OutputDirectory;
        if (dir != null && WritableDirectory(dir) is string why) return Fail($"cannot write the results to {dir}: {why}", 2);
        progress.Start(coordinator.Workers, coordinator.SourceAddresses);
        RunResult result;
        try
        {
            result = await coordinator.RunAsync(signals.Token);
        }
        finally
        {
            progress.Stop();
        }
        dir ??= Path.Combine("results", $"{Aggregator.ScenarioName(options.Scenario)}-{result.Started:yyyyMMdd-HHmmss}");
        var plots = Reports.WriteAll(result, dir);
        Reports.PrintSummary(result, dir, plots);
        if (result.Fatal != null)
        {
            Fail($"run stopped early: {result.Fatal} (what was measured so far is in {dir})", 3);
            return 3;
        }
        return result.Consistent && !result.CountedErrors.Any() ? 0 : 1;
    }

    /// <summary>Creates the output directory up front, so a typo fails before the run and not after it.</summary>
    private static string? WritableDirectory(string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
            string probe = Path.Combine(dir, ".instant-load-write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return e.Message;
        }
    }
}
