using System.Diagnostics;
using System.Text.Json;

namespace Instant.Load.Client;

/// <summary>
/// A late joiner's log pull, as the browser client does it: collect <c>log-info</c> answers
/// until none has come for the wait time (at most the cap), pick the peer with the oldest logs,
/// ask it for everything, and wait for the <c>log</c>.
/// </summary>
internal sealed class HistoryPull
{
    public const string Key = "initial";
    private readonly object _gate = new();
    private string? _peer, _peerFrom;
    private int _peerLength = -1;
    private long _lastInfo;
    private long _firstInfo;
    private long _received;

    public TaskCompletionSource<int> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnInfo(string from, JsonElement data)
    {
        string? oldest = data.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        int length = data.TryGetProperty("length", out var l) && l.TryGetInt32(out int n) ? n : 0;
        lock (_gate)
        {
            _lastInfo = Stopwatch.GetTimestamp();
            if (_firstInfo == 0) _firstInfo = _lastInfo;
            bool better = oldest != null && (_peerFrom == null || string.CompareOrdinal(oldest, _peerFrom) < 0 ||
                (oldest == _peerFrom && length > _peerLength));
            if (better || (_peer == null && oldest == null))
            {
                _peer = from;
                _peerFrom = oldest;
                _peerLength = length;
            }
        }
    }

    /// <summary>When the first log-info answer arrived (0: none yet).</summary>
    public long FirstInfoTicks
    {
        get { lock (_gate) return _firstInfo; }
    }

    /// <summary>When the log arrived (0: not yet).</summary>
    public long ReceivedTicks => Interlocked.Read(ref _received);

    public void OnLog(int posts)
    {
        Interlocked.CompareExchange(ref _received, Stopwatch.GetTimestamp(), 0);
        Received.TrySetResult(posts);
    }

    public async Task<string?> ChoosePeerAsync(TimeSpan quiet, TimeSpan cap)
    {
        long start = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (Stopwatch.GetElapsedTime(start) >= cap) return _peer;
                if (_peerFrom != null && Stopwatch.GetElapsedTime(_lastInfo) >= quiet) return _peer;
            }
        }
        return null;
    }
}
