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
            Console.Out.WriteLine(CommandLine.Help);
            return args.Length == 0 ? 2 : 0;
        }
        LoadOptions options;
        try
        {
            options = CommandLine.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine("instant-load: " + e.Message);
            return 2;
        }
        if (options.IsWorker) return await WorkerHost.RunAsync(options);
        return await RunAsync(options);
    }

    private static async Task<int> RunAsync(LoadOptions options)
    {
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; interrupt.Cancel(); };
        var progress = Progress.For(options);
        var coordinator = new Coordinator(options, progress.Tick);
        string? probe = await coordinator.ProbeAsync(interrupt.Token);
        if (probe != null)
        {
            Console.Error.WriteLine($"instant-load: cannot reach {options.Server}: {probe}. Is the server running there?");
            return 3;
        }
        progress.Start(coordinator.Workers, coordinator.SourceAddresses);
        RunResult result;
        try
        {
            result = await coordinator.RunAsync(interrupt.Token);
        }
        finally
        {
            progress.Stop();
        }
        string dir = options.OutputDirectory ?? Path.Combine("results", $"{Aggregator.ScenarioName(options.Scenario)}-{result.Started:yyyyMMdd-HHmmss}");
        Reports.WriteAll(result, dir);
        Reports.PrintSummary(result, dir);
        if (result.Fatal != null)
        {
            Console.Error.WriteLine($"instant-load: run stopped early: {result.Fatal} (what was measured so far is in {dir})");
            return 3;
        }
        return result.Consistent && result.Errors.Count == 0 ? 0 : 1;
    }
}
