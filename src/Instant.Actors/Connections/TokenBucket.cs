namespace Instant.Actors.Connections;

/// <summary>A token bucket for a connection's message rate; used by one actor, so not thread-safe.</summary>
internal sealed class TokenBucket
{
    private readonly double _ratePerSecond;
    private readonly double _capacity;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _lastTicks;

    public TokenBucket(double ratePerSecond, double capacity, TimeProvider time)
    {
        _ratePerSecond = ratePerSecond;
        _capacity = Math.Max(1, capacity);
        _time = time;
        _tokens = _capacity;
        _lastTicks = time.GetTimestamp();
    }

    public bool TryTake()
    {
        long now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_lastTicks, now).TotalSeconds * _ratePerSecond));
        _lastTicks = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
