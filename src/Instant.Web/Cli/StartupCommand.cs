using System.Diagnostics;

namespace Instant.Web.Cli;

/// <summary>
/// <c>--startup-cmd</c>: split on runs of white space (no shell, no quoting), run with the
/// server's standard streams, and waited for before the port is bound. Its exit status is
/// ignored, as in the original; a command that cannot start is reported.
/// </summary>
public static class StartupCommand
{
    public static async Task RunAsync(string commandLine, Action<string> reportFailure, CancellationToken cancellation)
    {
        var words = commandLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return;
        }

        var start = new ProcessStartInfo(words[0]) { UseShellExecute = false };
        foreach (var word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is not null)
            {
                await process.WaitForExitAsync(cancellation);
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            reportFailure($"startup command '{words[0]}' could not be run: {e.Message}");
        }
    }
}
