namespace Instant.Actors.Connections;

/// <summary>
/// A token bucket for a connection's message rate. A mutable struct kept in a field of its
/// one actor, so it costs no allocation per connection; not thread-safe.
/// </summary>
public struct TokenBucket
{
    private readonly double _ratePerSecond;
    private readonly double _capacity;
    private double _tokens;
    private long _lastTicks;

    public TokenBucket(double ratePerSecond, double capacity, TimeProvider time)
    {
        _ratePerSecond = ratePerSecond;
        _capacity = Math.Max(1, capacity);
        _tokens = _capacity;
        _lastTicks = time.GetTimestamp();
    }

    public bool IsLimited => _ratePerSecond > 0;

    public bool TryTake(TimeProvider time) => TryTake(time, 1);

    /// <summary>
    /// Takes <paramref name="count"/> tokens at once (a message that costs several), or none;
    /// a count above the capacity takes the whole bucket, so that it can ever succeed.
    /// </summary>
    public bool TryTake(TimeProvider time, double count)
    {
        if (!IsLimited)
        {
            return true;
        }

        long now = time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (time.GetElapsedTime(_lastTicks, now).TotalSeconds * _ratePerSecond));
        _lastTicks = now;
        count = Math.Min(count, _capacity);
        if (_tokens < count)
        {
            return false;
        }

        _tokens -= count;
        return true;
    }
}
