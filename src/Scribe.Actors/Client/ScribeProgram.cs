using System.Data.Common;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using Scribe.Actors.Logging;
using Scribe.Actors.Protocol;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Client;

/// <summary>The <c>scribe</c> executable: options, store, logfile conversion, then the connection loop.</summary>
public static class ScribeProgram
{
    public static async Task<int> RunAsync(string[] args, CancellationToken stop = default)
    {
        ScribeOptions options;
        try
        {
            options = ScribeCommandLine.Parse(args);
        }
        catch (CommandLineException e)
        {
            await Console.Error.WriteLineAsync($"ERROR: {e.Message}");
            return 2;
        }

        if (options.Help)
        {
            await Console.Out.WriteLineAsync(ScribeCommandLine.HelpText);
            return 0;
        }

        if (options.Version)
        {
            await Console.Out.WriteLineAsync(Instant.Actors.Configuration.ProductVersion.Describe("scribe", typeof(ScribeProgram).Assembly));
            return 0;
        }

        LogfileWriter log;
        try
        {
            log = options.NoLog ? LogfileWriter.Null()
                : LogfileWriter.Open(options.LogFile, options.LogRotate is null ? LogRotation.Never : LogRotation.Parse(options.LogRotate));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"ERROR: --logfile {options.LogFile}: {e.Message}");
            return 1;
        }

        using (log)
        {
            log.Write("SCRIBE", ("version", new BareWord("v" + new ScribeSettings().Version)));
            IMessageStore store;
            try
            {
                store = StoreLoader.Open(options.NoMessageDb, options.MessageDb, options.MaxLength, log, Environment.GetEnvironmentVariable("SCRIBE_DB_SYNC"));
            }
            catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException)
            {
                log.Write("ERROR", ("reason", $"{e.GetType().Name}({e.Message})"));
                await Console.Error.WriteLineAsync($"ERROR: --msgdb {options.MessageDb}: {e.Message}");
                return 1;
            }

            using (store)
            {
                if (options.ReadFile is { } file)
                {
                    try
                    {
                        StoreLoader.ReadLogfile(store, file, options.ReadRotate, log);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        await Console.Error.WriteLineAsync($"ERROR: --read-file {file}: {e.Message}");
                        return 1;
                    }
                }

                try
                {
                    StoreLoader.LogBounds(store, log);
                }
                catch (DbException e)
                {
                    // A corrupt page, found while looking at the bounds.
                    return await DatabaseFailedAsync(options, log, e);
                }

                if (options.Url is null)
                {
                    log.Write("EXITING");
                    return 0;
                }

                return await ConnectAsync(options, store, log, stop);
            }
        }
    }

    private static async Task<int> DatabaseFailedAsync(ScribeOptions options, LogfileWriter log, Exception e, bool logged = false)
    {
        if (!logged)
        {
            log.Write("ERROR", ("reason", $"message database failed: {e.GetType().Name}({e.Message})"));
        }

        await Console.Error.WriteLineAsync($"ERROR: --msgdb {options.MessageDb}: {e.Message}");
        return 1;
    }

    private static async Task<int> ConnectAsync(ScribeOptions options, IMessageStore store, LogfileWriter log, CancellationToken stop)
    {
        CookieJar? cookies = null;
        if (options.Cookies is not null)
        {
            cookies = new CookieJar(options.Cookies);
            try
            {
                cookies.Load();
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"ERROR: --cookies {options.Cookies}: {e.Message}");
                return 1;
            }
        }

        var settings = new ScribeSettings
        {
            Nick = options.Nick,
            MaxLength = options.MaxLength,
            PushLogs = options.PushLogs,
            DontStay = options.DontStay,
            DontPull = options.DontPull,
            PingDelay = TimeSpan.FromSeconds(options.PingDelaySeconds),
        };

        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // SIGINT and SIGTERM both end Scribe cleanly (the original only hooked SIGINT).
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; interrupted.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; interrupted.Cancel(); });

        // A failing database (read-only, corrupt) ends the connection loop: Scribe exits 1
        // rather than stay in the room losing every post.
        var storeFailure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);

        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\nakka.log-dead-letters = off");
        using var system = ActorSystem.Create("scribe", config);
        // The meter Instant.Scribe, for dotnet-counters.
        using var metrics = new ScribeMetrics();
        var scribe = system.ActorOf(ScribeActor.Props(store, log, settings, storeFailed: e =>
        {
            storeFailure.TrySetResult(e);
            interrupted.Cancel();
        }, metrics: metrics), "scribe");
        var client = new ScribeClient(options.Url!, scribe, cookies, options.Tls, log);
        bool finished = await client.RunAsync(interrupted.Token);
        if (storeFailure.Task.IsCompleted)
        {
            await system.Terminate();
            return await DatabaseFailedAsync(options, log, storeFailure.Task.Result, logged: true);
        }

        if (!finished)
        {
            log.Write("INTERRUPTED");
        }

        // Stop the actor first: it commits whatever posts are still pending.
        try
        {
            await scribe.GracefulStop(TimeSpan.FromSeconds(10));
        }
        catch (TaskCanceledException)
        {
        }

        await system.Terminate();
        return 0;
    }
}
