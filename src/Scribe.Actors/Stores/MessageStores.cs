namespace Scribe.Actors.Stores;

/// <summary>Opens the store the command line asks for.</summary>
public static class MessageStores
{
    /// <summary>
    /// <paramref name="noMessageDb"/> → none; a null path → memory capped at maxlen; otherwise
    /// SQLite (<c>:memory:</c> or a file). SCRIBE_DB_SYNC sets SQLite's synchronous level.
    /// </summary>
    public static IMessageStore Open(bool noMessageDb, string? path, int? maxLength, string? synchronous = null)
    {
        if (noMessageDb)
        {
            return new NullMessageStore();
        }

        return path is null ? new MemoryMessageStore(maxLength) : new SqliteMessageStore(path, synchronous);
    }
}
