namespace Instant.Actors.Identity;

/// <summary>
/// Makes the server's sortable ids: the millisecond UNIX time shifted left by 10 bits plus a
/// counter that restarts every second. Thread-safe; one per server process.
/// </summary>
public sealed class IdGenerator
{
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private long _lastSecond = long.MinValue;
    private long _sequence;
    private long _last;

    public IdGenerator(TimeProvider time) => _time = time;

    public long Next()
    {
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
            long id = Math.Max((now << 10) + _sequence, _last + 1);
            _last = id;
            return id;
        }
    }
}
