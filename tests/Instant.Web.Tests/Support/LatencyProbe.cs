using System.Diagnostics;

namespace Instant.Web.Tests.Support;

/// <summary>
/// Well-behaved participants that each post to their room every <see cref="Interval"/> and time
/// the server's <c>response</c>: the latency other clients see while something else goes on.
/// A post still unanswered when the probe stops counts with the time it has waited.
/// </summary>
public sealed class LatencyProbe : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly List<TestSocket> _clients;
    private readonly List<double> _milliseconds = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private LatencyProbe(List<TestSocket> clients)
    {
        _clients = clients;
    }

    public int Samples
    {
        get
        {
            lock (_milliseconds)
            {
                return _milliseconds.Count;
            }
        }
    }

    /// <summary>Joins <paramref name="count"/> participants to <paramref name="room"/> and starts them posting.</summary>
    public static async Task<LatencyProbe> StartAsync(int port, string room, int count, CancellationToken cancellation)
    {
        var clients = new List<TestSocket>();
        for (int i = 0; i < count; i++)
        {
            var client = await TestSocket.ConnectLeanAsync(new Uri($"ws://127.0.0.1:{port}/room/{room}/ws"), null, null, cancellation);
            await client.IdentityAsync(cancellation);
            clients.Add(client);
        }

        var probe = new LatencyProbe(clients);
        foreach (var client in clients)
        {
            probe._loops.Add(Task.Run(() => probe.PostLoopAsync(client)));
        }

        return probe;
    }

    /// <summary>Forgets what was measured so far (the warm-up).</summary>
    public void Reset()
    {
        lock (_milliseconds)
        {
            _milliseconds.Clear();
        }
    }

    /// <summary>The 99th percentile of the latencies measured since the last <see cref="Reset"/>.</summary>
    public double Percentile99
    {
        get
        {
            lock (_milliseconds)
            {
                if (_milliseconds.Count == 0)
                {
                    return double.PositiveInfinity;
                }

                var sorted = _milliseconds.Order().ToArray();
                return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.99) - 1)];
            }
        }
    }

    /// <summary>Stops posting; a post still unanswered counts with the time it has waited.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Posts on a fixed schedule, answered or not, and times each from when it was due: a
    /// stalled server then shows in every post it held up, not in one long wait.
    /// </summary>
    private async Task PostLoopAsync(TestSocket client)
    {
        var clock = Stopwatch.StartNew();
        var pending = new System.Collections.Concurrent.ConcurrentDictionary<long, double>();
        var reader = Task.Run(() => ReadResponsesAsync(client, pending, clock));
        try
        {
            for (long seq = 1; !_stop.IsCancellationRequested; seq++)
            {
                pending[seq] = clock.Elapsed.TotalMilliseconds;
                await client.SendAsync($$$"""{"type":"broadcast","seq":{{{seq}}},"data":{"probe":{{{seq}}}}}""", _stop.Token);
                await Task.Delay(Interval, _stop.Token);
            }
        }
        catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // Stopping: a receive cancelled by the reader aborts the socket under a send.
        }

        await reader;
        foreach (double sent in pending.Values)
        {
            Record(clock.Elapsed.TotalMilliseconds - sent); // not answered yet
        }
    }

    private async Task ReadResponsesAsync(TestSocket client, System.Collections.Concurrent.ConcurrentDictionary<long, double> pending, Stopwatch clock)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var response = await client.NextAsync(f => f.Type == "response", _stop.Token);
                if (response.Member("seq") is { } seq && pending.TryRemove(seq.GetInt64(), out double sent))
                {
                    Record(clock.Elapsed.TotalMilliseconds - sent);
                }
            }
        }
        catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
        }
        catch (TimeoutException)
        {
            // nothing for 20 s: what is pending is counted as it stands
        }
    }

    private void Record(double milliseconds)
    {
        lock (_milliseconds)
        {
            _milliseconds.Add(milliseconds);
        }
    }
}
