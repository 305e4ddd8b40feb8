using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Scribe.Actors.Protocol;

/// <summary>
/// The meter <c>Instant.Scribe</c>: posts Scribe stored and how long each store (one
/// transaction per burst of posts) took. Shared by the Scribes of a process.
/// </summary>
public sealed class ScribeMetrics : IDisposable
{
    public const string MeterName = "Instant.Scribe";

    private readonly Meter _meter;
    private readonly Counter<long> _stored;
    private readonly Histogram<double> _storeLatency;

    public ScribeMetrics()
    {
        _meter = new Meter(MeterName);
        _stored = _meter.CreateCounter<long>("instant.scribe.posts.stored", "{post}", "Posts Scribe stored");
        _storeLatency = _meter.CreateHistogram(
            "instant.scribe.store.latency", "s", "Time to store one batch of posts",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
    }

    public Meter Meter => _meter;

    /// <summary>Records a stored batch of <paramref name="posts"/> begun at the <see cref="Stopwatch"/> timestamp <paramref name="started"/>.</summary>
    public void Stored(int posts, long started)
    {
        _stored.Add(posts);
        _storeLatency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    public void Dispose() => _meter.Dispose();
}
