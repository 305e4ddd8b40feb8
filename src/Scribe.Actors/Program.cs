using Scribe.Actors.Client;

namespace Scribe.Actors;

internal static class Program
{
    private static Task<int> Main(string[] args) => ScribeProgram.RunAsync(args);
}
