using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Scribe.Actors.Journal;

namespace Scribe.Actors.Client;

/// <summary><c>scribe journal import|export</c>: opens the room's log on the journal, moves posts, prints progress.</summary>
public static class JournalProgram
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter? output = null, TextWriter? errors = null, CancellationToken cancel = default)
    {
        output ??= Console.Out;
        errors ??= Console.Error;
        JournalOptions options;
        ScribeJournalConfig journal;
        try
        {
            options = JournalCommandLine.Parse(args);
            if (options.Help)
            {
                await output.WriteAsync(JournalCommandLine.HelpText);
                return 0;
            }

            journal = ScribeJournalConfig.Parse(options.Journal, options.Directory);
        }
        catch (Exception e) when (e is CommandLineException or FormatException)
        {
            await errors.WriteLineAsync($"ERROR: {e.Message}");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        ActorSystem? system = null;
        try
        {
            journal.Prepare();
            var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\nakka.log-dead-letters = off")
                .WithFallback(journal.ToConfig());
            system = ActorSystem.Create("scribe-journal", config);
            var log = JournalScribeLog.Start(system, system, options.Room!, journal);
            await errors.WriteLineAsync($"{options.Command}: room {options.Room}, journal {journal.Describe()}");
            var bounds = await log.BoundsAsync(cancel);
            await errors.WriteLineAsync($"{options.Command}: the journal holds {bounds?.Count ?? 0} posts of the room (recovered in {clock.ElapsedMilliseconds} ms)");
            IProgress<TransferProgress>? progress = options.Quiet ? null : new ProgressLines(options.Command!, errors);

            if (options.Command == "export")
            {
                var result = await JournalTransfer.ExportAsync(log, options.MessageDb!, options.Batch, progress, cancel);
                await output.WriteLineAsync($"exported {result.Done} posts of room {options.Room} to {options.MessageDb} ({result.Added} new there) in {Seconds(clock)} s");
                return 0;
            }

            long done = 0, added = 0;
            if (options.MessageDb is { } msgdb)
            {
                await errors.WriteLineAsync($"import: reading message database {msgdb}");
                var result = await JournalTransfer.ImportMessageDbAsync(log, msgdb, options.Batch, progress, cancel);
                done += result.Done;
                added += result.Added;
            }

            foreach (var (file, rotation) in options.Logfiles)
            {
                await errors.WriteLineAsync($"import: reading logfile {file}" + (rotation is null ? string.Empty : $" (rotation {rotation})"));
                var result = await JournalTransfer.ImportLogfileAsync(
                    log, file, rotation, options.Batch, progress, warning => errors.WriteLine($"import: WARNING: {warning}"), cancel);
                done += result.Done;
                added += result.Added;
            }

            var after = await log.BoundsAsync(cancel);
            await output.WriteLineAsync($"imported {done} posts into room {options.Room} ({added} new; the journal now holds {after?.Count ?? 0}) in {Seconds(clock)} s");
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await errors.WriteLineAsync($"ERROR: {options.Command}: {e.GetBaseException().Message}");
            return 1;
        }
        finally
        {
            if (system is not null)
            {
                await system.Terminate();
            }
        }
    }

    private static string Seconds(Stopwatch clock) => clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>One line per batch: how far, how many new, and the rate so far.</summary>
    private sealed class ProgressLines(string command, TextWriter errors) : IProgress<TransferProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public void Report(TransferProgress value)
        {
            string percent = value.Total is > 0 ? $" ({100.0 * value.Done / value.Total.Value:0}%)" : string.Empty;
            double rate = value.Done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
            errors.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{command}: {value.Done}/{value.Total?.ToString(CultureInfo.InvariantCulture) ?? "?"} posts{percent}, {value.Added} new, {rate:0} posts/s"));
        }
    }
}
