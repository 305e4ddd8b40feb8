using Instant.Run.Cli;

namespace Instant.Run;

internal static class Program
{
    private static Task<int> Main(string[] args) => new Orchestrator(() => Console.Out, () => Console.Error).RunAsync(args);
}
