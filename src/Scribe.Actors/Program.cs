using Scribe.Actors.Client;

namespace Scribe.Actors;

internal static class Program
{
    // 'scribe journal ...' moves a room's log between its journal and the standalone homes.
    private static Task<int> Main(string[] args)
        => args.Length > 0 && args[0] == "journal" ? JournalProgram.RunAsync(args[1..]) : ScribeProgram.RunAsync(args);
}
