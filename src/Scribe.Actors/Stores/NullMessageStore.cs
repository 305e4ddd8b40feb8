namespace Scribe.Actors.Stores;

/// <summary><c>--no-msgdb</c>: stores nothing, answers nothing.</summary>
public sealed class NullMessageStore : IMessageStore
{
    public int? Capacity => 0;

    public IReadOnlyList<LogEntry> Add(IReadOnlyCollection<LogEntry> entries) => [];

    public IReadOnlyList<long> AddUuids(IReadOnlyDictionary<long, string> uuids) => [];

    public IReadOnlyList<LogEntry> Query(long? from, long? to, int? amount) => [];

    public IReadOnlyDictionary<long, string> GetUuids(IEnumerable<long> ids) => new Dictionary<long, string>();

    public IReadOnlyList<LogEntry> Delete(IReadOnlyCollection<long> ids) => [];

    public LogBounds? Bounds() => null;

    public IEnumerable<LogEntry> All() => [];

    public void Dispose()
    {
    }
}
