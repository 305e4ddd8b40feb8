using System.Net.Sockets;
using Akka.Remote;
using Instant.Web.Cli;

namespace Instant.Web;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args is ["console", .. var consoleArgs])
        {
            return await BackendConsole.ConsoleClient.MainAsync(consoleArgs, Console.In, Console.Out, Console.Error);
        }

        try
        {
            var options = CommandLine.Parse(args);
            if (options.ShowHelp)
            {
                Console.WriteLine(CommandLine.Usage);
                return 0;
            }

            if (options.ShowVersion)
            {
                Console.WriteLine(Instant.Actors.Configuration.ProductVersion.Describe("instant", typeof(InstantServer).Assembly));
                return 0;
            }

            await using var server = await InstantServer.StartAsync(options);
            await server.WaitForShutdownAsync();
            return server.ExitCode;
        }
        catch (CommandLineException e)
        {
            await Console.Error.WriteLineAsync($"instant: {e.Message}");
            await Console.Error.WriteLineAsync("Try 'instant --help' for the options.");
            return 2;
        }
        catch (Instant.Web.Plugins.PluginException e)
        {
            await Console.Error.WriteLineAsync($"instant: {e.Message}");
            return 2;
        }
        catch (NodeDownedException e)
        {
            await Console.Error.WriteLineAsync($"instant: {e.Message}");
            return 3;
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("bind", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"instant: cannot listen: {e.Message}");
            return 1;
        }
        catch (Exception e) when (ClusterTransportFailure(e) is { } failure)
        {
            // Akka.Remote could not bind instant.cluster.port (held by another process, say); it
            // reports it several AggregateExceptions deep.
            await Console.Error.WriteLineAsync($"instant: cannot listen on instant.cluster.port: {failure.InnerException?.Message ?? failure.Message}");
            return 1;
        }
    }

    private static RemoteTransportException? ClusterTransportFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is RemoteTransportException failure)
            {
                return failure;
            }
        }

        return null;
    }
}
