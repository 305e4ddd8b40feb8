using Scribe.Actors.Logging;
using Instant.Protocol;

namespace Scribe.Actors.Stores;

/// <summary>
/// Opens a Scribe's message store and fills it from logfiles, logging OPENING, READING and
/// LOGBOUNDS as the original does. The standalone client and embedded Scribes share it.
/// </summary>
public static class StoreLoader
{
    public static IMessageStore Open(bool noMessageDb, string? path, int? maxLength, LogfileWriter log, string? synchronous = null)
    {
        object? file = noMessageDb ? null : path is null or ":memory:" ? PyEllipsis.Instance : path;
        log.Write("OPENING", ("file", file), ("maxlen", maxLength));
        return MessageStores.Open(noMessageDb, path, maxLength, synchronous);
    }

    /// <summary>Reads a logfile (and with a rotation, its rotated predecessors) into the store; '-' is standard input.</summary>
    public static void ReadLogfile(IMessageStore store, string file, string? rotation, LogfileWriter log, TextReader? stdin = null)
    {
        var pattern = rotation is null ? LogRotation.Never : LogRotation.Parse(rotation);
        log.Write("READING", ("file", file), ("rotation", rotation), ("maxlen", store.Capacity));
        var restorer = new LogRestorer(store.Capacity, warning => log.Write("WARNING", ("reason", warning)));
        try
        {
            if (file == "-")
            {
                restorer.Read(Console.OpenStandardInput());
            }
            else
            {
                restorer.ReadWithRotation(file, pattern);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Write("ERROR", ("reason", $"{e.GetType().Name}({e.Message})"));
            throw;
        }

        var result = restorer.Result();
        const int chunk = 10_000;
        for (int i = 0; i < result.Entries.Count; i += chunk)
        {
            store.Add(result.Entries.Skip(i).Take(chunk).ToList());
        }

        store.AddUuids(result.Uuids);
    }

    public static void LogBounds(IMessageStore store, LogfileWriter log)
    {
        var bounds = store.Bounds();
        log.Write("LOGBOUNDS", ("from", IdFormat.ToHex(bounds?.From)), ("to", IdFormat.ToHex(bounds?.To)), ("amount", bounds?.Count));
    }
}
