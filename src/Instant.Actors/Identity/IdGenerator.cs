namespace Instant.Actors.Identity;

/// <summary>
/// Makes the server's sortable ids: the millisecond UNIX time shifted left by 10 bits plus a
/// counter that restarts every second. Thread-safe; one per server process.
/// </summary>
/// <remarks>
/// In a cluster every node owns an id slot (<see cref="AssignSlot"/>), kept in the low
/// <see cref="SlotBits"/> bits of each id it makes, so ids from different nodes never collide
/// and the node that holds a participant can be told from its id. The time part is unchanged.
/// </remarks>
public sealed class IdGenerator
{
    /// <summary>The low bits of a clustered id that name its node's slot.</summary>
    public const int SlotBits = 5;

    /// <summary>How many nodes a cluster can hold at once (one slot each).</summary>
    public const int MaxSlots = 1 << SlotBits;

    private const long SlotMask = MaxSlots - 1;

    /// <summary>How long <see cref="Next"/> waits for a clustered node's first slot before failing.</summary>
    private static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly ManualResetEventSlim? _slotKnown;
    private long _lastSecond = long.MinValue;
    private long _sequence;
    private long _last;
    private int _slot;
    private int _bits;

    /// <summary>A generator; a <paramref name="clustered"/> one makes no id until it has a slot.</summary>
    public IdGenerator(TimeProvider time, bool clustered = false)
    {
        _time = time;
        _slotKnown = clustered ? new ManualResetEventSlim(false) : null;
    }

    /// <summary>This node's slot in a cluster, or null (single process, or not assigned yet).</summary>
    public int? Slot => _slotKnown is { IsSet: true } ? _slot : null;

    /// <summary>The slot of the node that made a clustered id.</summary>
    public static int SlotOf(long id) => (int)(id & SlotMask);

    /// <summary>Gives this node its cluster slot; ids made from now on carry it.</summary>
    public void AssignSlot(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, MaxSlots);
        if (_slotKnown is null)
        {
            throw new InvalidOperationException("a single-process id generator has no slot");
        }

        lock (_lock)
        {
            _slot = slot;
            _bits = SlotBits;
        }

        _slotKnown.Set();
    }

    public long Next()
    {
        if (_slotKnown is { IsSet: false } && !_slotKnown.Wait(SlotWait))
        {
            throw new InvalidOperationException("this node has no id slot: it has not joined its cluster");
        }

        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            long second = now / 1000;
            if (second > _lastSecond)
            {
                _lastSecond = second;
                _sequence = 0;
            }
            else
            {
                _sequence++;
            }

            // The original could hand out an id lower than an earlier one when its counter
            // wrapped or the clock stepped back; ours never goes backwards.
            long id = Math.Max((now << 10) + (_sequence << _bits) + _slot, FloorAbove(_last));
            _last = id;
            return id;
        }
    }

    /// <summary>
    /// Makes every later id greater than <paramref name="id"/>: a room that moved to this node
    /// keeps its ids increasing although the node it came from may have run ahead.
    /// </summary>
    public void Observe(long id)
    {
        lock (_lock)
        {
            _last = Math.Max(_last, id);
        }
    }

    /// <summary>The least id above <paramref name="last"/> that carries this node's slot.</summary>
    private long FloorAbove(long last)
    {
        long floor = last + 1;
        if (_bits == 0)
        {
            return floor;
        }

        long rounded = (floor & ~SlotMask) + _slot;
        return rounded >= floor ? rounded : rounded + MaxSlots;
    }
}
