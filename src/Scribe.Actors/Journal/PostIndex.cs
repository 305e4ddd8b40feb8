namespace Scribe.Actors.Journal;

/// <summary>
/// Post id → journal sequence number, sorted by id: two parallel arrays, 16 bytes a post. Live
/// posts arrive with ever larger ids and are appended; older history (pulled from peers,
/// imported) is merged in, one pass per batch. Lookups are binary searches.
/// </summary>
public sealed class PostIndex
{
    private long[] _ids;
    private long[] _sequenceNrs;

    public PostIndex(int capacity = 1024)
    {
        _ids = new long[Math.Max(capacity, 16)];
        _sequenceNrs = new long[_ids.Length];
    }

    public int Count { get; private set; }

    public long FirstId => Count > 0 ? _ids[0] : throw new InvalidOperationException("the index is empty");

    public long LastId => Count > 0 ? _ids[Count - 1] : throw new InvalidOperationException("the index is empty");

    /// <summary>Builds an index from a snapshot's arrays (ids ascending, no duplicates).</summary>
    public static PostIndex From(long[] ids, long[] sequenceNrs)
    {
        if (ids.Length != sequenceNrs.Length)
        {
            throw new ArgumentException("ids and sequence numbers differ in length");
        }

        var index = new PostIndex(ids.Length);
        Array.Copy(ids, index._ids, ids.Length);
        Array.Copy(sequenceNrs, index._sequenceNrs, ids.Length);
        index.Count = ids.Length;
        return index;
    }

    public bool Contains(long id) => Find(id) >= 0;

    public bool TryGet(long id, out long sequenceNr)
    {
        int at = Find(id);
        sequenceNr = at >= 0 ? _sequenceNrs[at] : 0;
        return at >= 0;
    }

    /// <summary>Adds one post; an id already present keeps its sequence number.</summary>
    public void Add(long id, long sequenceNr)
    {
        if (Count == 0 || id > _ids[Count - 1])
        {
            Grow(Count + 1);
            _ids[Count] = id;
            _sequenceNrs[Count] = sequenceNr;
            Count++;
            return;
        }

        int at = Find(id);
        if (at >= 0)
        {
            return;
        }

        at = ~at;
        Grow(Count + 1);
        Array.Copy(_ids, at, _ids, at + 1, Count - at);
        Array.Copy(_sequenceNrs, at, _sequenceNrs, at + 1, Count - at);
        _ids[at] = id;
        _sequenceNrs[at] = sequenceNr;
        Count++;
    }

    /// <summary>
    /// Adds many posts at once (any order): ids beyond the newest are appended, the rest are
    /// merged in one pass, so a batch of old history costs one copy of the index, not one per post.
    /// </summary>
    public void AddRange(IReadOnlyList<(long Id, long SequenceNr)> posts)
    {
        var older = new List<(long Id, long SequenceNr)>();
        foreach (var post in posts)
        {
            if (Count == 0 || post.Id > _ids[Count - 1])
            {
                Add(post.Id, post.SequenceNr);
            }
            else if (!Contains(post.Id))
            {
                older.Add(post);
            }
        }

        if (older.Count == 0)
        {
            return;
        }

        older.Sort((a, b) => a.Id.CompareTo(b.Id));
        var ids = new long[Math.Max(_ids.Length, Count + older.Count)];
        var sequenceNrs = new long[ids.Length];
        int i = 0, j = 0, n = 0;
        while (i < Count || j < older.Count)
        {
            if (j < older.Count && n > 0 && older[j].Id == ids[n - 1])
            {
                j++;
            }
            else if (j >= older.Count || (i < Count && _ids[i] < older[j].Id))
            {
                ids[n] = _ids[i];
                sequenceNrs[n++] = _sequenceNrs[i++];
            }
            else
            {
                ids[n] = older[j].Id;
                sequenceNrs[n++] = older[j++].SequenceNr;
            }
        }

        _ids = ids;
        _sequenceNrs = sequenceNrs;
        Count = n;
    }

    /// <summary>Removes a post; returns its sequence number, or null when it was not there.</summary>
    public long? Remove(long id)
    {
        int at = Find(id);
        if (at < 0)
        {
            return null;
        }

        long sequenceNr = _sequenceNrs[at];
        Array.Copy(_ids, at + 1, _ids, at, Count - at - 1);
        Array.Copy(_sequenceNrs, at + 1, _sequenceNrs, at, Count - at - 1);
        Count--;
        return sequenceNr;
    }

    /// <summary>
    /// The posts a log request names, in ascending id order, as the message stores define it:
    /// both bounds → the inclusive range (amount ignored); from only → the first
    /// <paramref name="amount"/> posts ≥ from; to only → the last amount posts ≤ to; neither →
    /// the last amount posts. A null amount means no limit.
    /// </summary>
    public (int Start, int End) Select(long? from, long? to, int? amount)
    {
        int start = from is { } f ? LowerBound(f) : 0;
        int end = to is { } t ? UpperBound(t) : Count;
        if (end < start)
        {
            return (start, start);
        }

        if (from is not null && to is not null || amount is not { } n)
        {
            return (start, end);
        }

        return from is not null ? (start, Math.Min(end, start + n)) : (Math.Max(start, end - n), end);
    }

    public long IdAt(int position) => _ids[position];

    public long SequenceNrAt(int position) => _sequenceNrs[position];

    /// <summary>Copies of the arrays, for a snapshot that is serialized while the index moves on.</summary>
    public (long[] Ids, long[] SequenceNrs) Copy() => (_ids[..Count], _sequenceNrs[..Count]);

    private int Find(long id) => Array.BinarySearch(_ids, 0, Count, id);

    // The first position whose id is ≥ id.
    private int LowerBound(long id)
    {
        int at = Find(id);
        return at >= 0 ? at : ~at;
    }

    // The first position whose id is > id.
    private int UpperBound(long id)
    {
        int at = Find(id);
        return at >= 0 ? at + 1 : ~at;
    }

    private void Grow(int needed)
    {
        if (needed <= _ids.Length)
        {
            return;
        }

        int size = Math.Max(needed, _ids.Length * 2);
        Array.Resize(ref _ids, size);
        Array.Resize(ref _sequenceNrs, size);
    }
}
