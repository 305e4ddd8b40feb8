using System.Collections.Concurrent;
using Instant.Load.Metrics;

namespace Instant.Load.Client;

/// <summary>
/// Fan-out latency: the time from the first to the last receipt of one post among this process's
/// members of the post's room. Entries go away when the last expected receipt arrives.
/// </summary>
internal sealed class FanoutTracker(int rooms)
{
    private sealed class Entry
    {
        public int Count;
        public long First = long.MaxValue;
        public long Last;
    }

    private readonly ConcurrentDictionary<long, Entry> _posts = new();
    private readonly int[] _members = new int[rooms];

    /// <summary>Fixes how many receivers this process has in each room (set before posting starts).</summary>
    public void SetMembers(int room, int count) => _members[room] = count;

    public void Record(LoadMetrics metrics, int room, long sender, long seq, long nowTicks)
    {
        int expected = _members[room];
        if (expected <= 1) return;
        long key = (sender << 32) ^ seq;
        var e = _posts.GetOrAdd(key, static _ => new Entry());
        lock (e)
        {
            if (nowTicks < e.First) e.First = nowTicks;
            if (nowTicks > e.Last) e.Last = nowTicks;
            if (++e.Count < expected) return;
        }
        _posts.TryRemove(key, out _);
        metrics.Fanout.RecordValue(LoadMetrics.Micros(e.First, e.Last));
    }

    /// <summary>Posts some local member never received (after draining).</summary>
    public int Incomplete => _posts.Count;
}
