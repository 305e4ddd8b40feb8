namespace Scribe.Actors.Stores;

/// <summary>
/// The default store: posts in memory sorted by id, trimmed to the newest <c>--maxlen</c>
/// (unbounded without it). A duplicate id keeps the first copy, as the original's list did.
/// The uuid map keeps the senders of stored posts plus the most recently used ids.
/// </summary>
public sealed class MemoryMessageStore : IMessageStore
{
    private readonly SortedDictionary<long, LogEntry> _posts = new();
    private readonly Dictionary<long, string> _uuids = new();
    private readonly LinkedList<long> _uuidUse = new();
    private readonly Dictionary<long, LinkedListNode<long>> _uuidUseNodes = new();

    public MemoryMessageStore(int? maxLength)
    {
        if (maxLength is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), "maxlen must be positive");
        }

        Capacity = maxLength;
    }

    public int? Capacity { get; }

    public IReadOnlyList<LogEntry> Add(IReadOnlyCollection<LogEntry> entries)
    {
        var added = new List<LogEntry>();
        foreach (var entry in entries)
        {
            if (_posts.TryAdd(entry.Id, entry))
            {
                added.Add(entry);
            }
        }

        Trim();
        added.RemoveAll(e => !_posts.ContainsKey(e.Id));
        added.Sort((a, b) => a.Id.CompareTo(b.Id));
        return added;
    }

    public IReadOnlyList<long> AddUuids(IReadOnlyDictionary<long, string> uuids)
    {
        var changed = new List<long>();
        foreach (var (id, uuid) in uuids)
        {
            if (!_uuids.TryGetValue(id, out var old) || old != uuid)
            {
                changed.Add(id);
            }

            _uuids[id] = uuid;
            Touch(id);
        }

        PruneUuids();
        return changed;
    }

    public IReadOnlyList<LogEntry> Query(long? from, long? to, int? amount)
    {
        IEnumerable<LogEntry> range = _posts.Values;
        if (from is { } f)
        {
            range = range.Where(e => e.Id >= f);
        }

        if (to is { } t)
        {
            range = range.Where(e => e.Id <= t);
        }

        if (amount is not { } n)
        {
            return range.ToList();
        }

        return from is not null && to is null ? range.Take(n).ToList() : range.TakeLast(n).ToList();
    }

    public IReadOnlyDictionary<long, string> GetUuids(IEnumerable<long> ids)
    {
        var result = new Dictionary<long, string>();
        foreach (var id in ids)
        {
            if (_uuids.TryGetValue(id, out var uuid))
            {
                result[id] = uuid;
            }
        }

        return result;
    }

    public IReadOnlyList<LogEntry> Delete(IReadOnlyCollection<long> ids)
    {
        var removed = new List<LogEntry>();
        foreach (var id in ids)
        {
            if (_posts.Remove(id, out var entry))
            {
                removed.Add(entry);
            }
        }

        return removed;
    }

    public LogBounds? Bounds()
        => _posts.Count == 0 ? null : new LogBounds(_posts.Keys.First(), _posts.Keys.Last(), _posts.Count);

    public IEnumerable<LogEntry> All() => _posts.Values.ToList();

    public void Dispose()
    {
    }

    private void Trim()
    {
        if (Capacity is not { } cap)
        {
            return;
        }

        while (_posts.Count > cap)
        {
            _posts.Remove(_posts.Keys.First());
        }
    }

    private void Touch(long id)
    {
        if (_uuidUseNodes.TryGetValue(id, out var node))
        {
            _uuidUse.Remove(node);
            _uuidUse.AddLast(node);
        }
        else
        {
            _uuidUseNodes[id] = _uuidUse.AddLast(id);
        }
    }

    // Bounded memory for long-running instances: once the usage list exceeds 4×maxlen, keep the
    // maxlen most recently used ids and every sender of a stored post.
    private void PruneUuids()
    {
        if (Capacity is not { } cap || _uuidUse.Count <= 4 * cap)
        {
            return;
        }

        var keep = new HashSet<long>(_uuidUse.Reverse().Take(cap));
        foreach (var post in _posts.Values)
        {
            if (post.Sender is { } s)
            {
                keep.Add(s);
            }
        }

        foreach (var id in _uuids.Keys.ToList())
        {
            if (!keep.Contains(id))
            {
                _uuids.Remove(id);
                _uuidUse.Remove(_uuidUseNodes[id]);
                _uuidUseNodes.Remove(id);
            }
        }
    }
}
