using Scribe.Actors.Logging;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Journal;

/// <summary>How far a transfer got: posts handled out of the total (when known), and how many were new to the target.</summary>
public sealed record TransferProgress(long Done, long? Total, long Added);

/// <summary>
/// Moves posts between a room's journal and the original Scribe's homes: a message database
/// (the standalone Scribe's SQLite schema, <c>--msgdb</c>) or logfiles, in both directions for
/// the database. Posts travel in batches in id order; each batch's uuids go with it. Progress is
/// reported after every batch.
/// </summary>
public static class JournalTransfer
{
    public const int DefaultBatch = 5_000;

    /// <summary>Copies every post of a message database into the log; returns how many were new.</summary>
    public static async Task<TransferProgress> ImportMessageDbAsync(
        IScribeLog log, string path, int batch = DefaultBatch, IProgress<TransferProgress>? progress = null, CancellationToken cancel = default)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no message database at {path}", path);
        }

        using var source = new SqliteMessageStore(path);
        long total = source.Bounds()?.Count ?? 0;
        long done = 0, added = 0;
        // A lower bound is given from the start: without one, a range means the newest posts.
        long from = long.MinValue;
        while (true)
        {
            var page = source.Query(from, null, batch);
            if (page.Count == 0)
            {
                break;
            }

            var uuids = source.GetUuids(page.Select(p => p.Sender).OfType<long>().Distinct());
            if (uuids.Count > 0)
            {
                await log.AddUuidsAsync(uuids, cancel);
            }

            added += (await log.AppendAsync(page, cancel)).Count;
            done += page.Count;
            progress?.Report(new TransferProgress(done, total, added));
            from = page[^1].Id + 1;
        }

        return new TransferProgress(done, total, added);
    }

    /// <summary>
    /// Reads a Scribe logfile (ours or the original's; with a rotation pattern, its rotated
    /// predecessors first; '-' is standard input) and stores its posts and uuids in the log.
    /// </summary>
    public static async Task<TransferProgress> ImportLogfileAsync(
        IScribeLog log, string file, string? rotation, int batch = DefaultBatch, IProgress<TransferProgress>? progress = null,
        Action<string>? warn = null, CancellationToken cancel = default)
    {
        var restorer = new LogRestorer(capacity: null, warn);
        if (file == "-")
        {
            restorer.Read(Console.OpenStandardInput());
        }
        else
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"no logfile at {file}", file);
            }

            restorer.ReadWithRotation(file, rotation is null ? LogRotation.Never : LogRotation.Parse(rotation));
        }

        var restored = restorer.Result();
        if (restored.Uuids.Count > 0)
        {
            await log.AddUuidsAsync(restored.Uuids, cancel);
        }

        var posts = restored.Entries.OrderBy(p => p.Id).ToList();
        long added = 0;
        for (int i = 0; i < posts.Count; i += batch)
        {
            var page = posts.GetRange(i, Math.Min(batch, posts.Count - i));
            added += (await log.AppendAsync(page, cancel)).Count;
            progress?.Report(new TransferProgress(i + page.Count, posts.Count, added));
        }

        return new TransferProgress(posts.Count, posts.Count, added);
    }

    /// <summary>
    /// Writes every post of the log, with its sender's uuid, into a message database of the
    /// original Scribe's schema (created if missing; a post whose id is there already is
    /// replaced, as the original's INSERT OR REPLACE does). Returns how many posts were new there.
    /// </summary>
    public static async Task<TransferProgress> ExportAsync(
        IScribeLog log, string path, int batch = DefaultBatch, IProgress<TransferProgress>? progress = null, CancellationToken cancel = default)
    {
        long total = (await log.BoundsAsync(cancel))?.Count ?? 0;
        using var target = new SqliteMessageStore(path);
        long done = 0, added = 0;
        // A lower bound is given from the start: without one, a range means the newest posts.
        long from = long.MinValue;
        while (true)
        {
            var page = await log.RangeAsync(from, null, batch, cancel);
            if (page.Count == 0)
            {
                break;
            }

            added += target.Add(page).Count;
            var uuids = await log.GetUuidsAsync(page.Select(p => p.Sender).OfType<long>().Distinct().ToList(), cancel);
            target.AddUuids(uuids);
            done += page.Count;
            progress?.Report(new TransferProgress(done, total, added));
            from = page[^1].Id + 1;
        }

        return new TransferProgress(done, total, added);
    }
}
