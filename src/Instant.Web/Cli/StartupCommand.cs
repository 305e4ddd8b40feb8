using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Cli;

/// <summary>
/// <c>--startup-cmd</c>: split on runs of white space (no shell, no quoting), run with the
/// server's standard streams, and waited for before connections are accepted. Its exit status is
/// ignored, as in the original; a command that cannot start is reported. As a hosted service
/// it runs after the actor system has started and before Kestrel starts accepting;
/// <paramref name="beforeCommand"/> runs first (the early, shared bind of a fast restart).
/// </summary>
public sealed class StartupCommand(string commandLine, ILogger log, Action beforeCommand) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        beforeCommand();
        return RunAsync(commandLine, message => log.LogWarning("{Message}", message), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
