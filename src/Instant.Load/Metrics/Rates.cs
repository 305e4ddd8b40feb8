using System.Diagnostics;

namespace Instant.Load.Metrics;

/// <summary>
/// The one definition of a rate the tool reports (deliveries/s, reconnects/s): events divided by
/// the time during which such events happened, i.e. the part of the measured period between the
/// first and the latest event. A run's figure is its count over first-to-last event; a timeline
/// interval's figure is its count over its own overlap with that span. So seconds before the
/// first or after the last event (connecting, draining, a partial final interval) do not dilute
/// the figure, and the run's figure is the interval figures averaged, weighted by their
/// overlap. Times are <see cref="Stopwatch"/> ticks.
/// </summary>
internal static class Rates
{
    /// <summary>Seconds of (<paramref name="start"/>, <paramref name="end"/>] that lie within [<paramref name="first"/>, <paramref name="last"/>].</summary>
    public static double ActiveSeconds(long start, long end, long first, long last)
    {
        if (first == 0 || last <= first) return 0;
        long from = Math.Max(start, first), to = Math.Min(end, last);
        return to > from ? (to - from) / (double)Stopwatch.Frequency : 0;
    }

    /// <summary><paramref name="count"/> per active second; 0 when there was no active time (one event or none).</summary>
    public static double PerSecond(long count, double activeSeconds) => activeSeconds > 0 ? count / activeSeconds : 0;
}
