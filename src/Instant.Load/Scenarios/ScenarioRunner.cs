using System.Diagnostics;
using Instant.Load.Cli;
using Instant.Load.Client;
using Instant.Load.Metrics;

namespace Instant.Load.Scenarios;

/// <summary>
/// A point where every worker process must arrive before any goes on (connect, post, ...).
/// In a single process it releases at once; in a worker it is a line to and from the coordinator.
/// Either way the coordinator reads the server's CPU time at each release.
/// </summary>
internal interface IPhaseGate
{
    Task ArriveAsync(string phase, CancellationToken ct);
}

/// <summary>
/// Runs one scenario for this process's share of the clients (client i belongs to worker
/// i mod --workers) and returns what the totals need beyond the per-second snapshots.
/// </summary>
internal sealed class ScenarioRunner(RunContext ctx, IPhaseGate gate)
{
    private readonly LoadOptions _o = ctx.Options;
    private readonly List<LoadClient> _clients = new();
    private readonly object _clientsGate = new();
    private LoadMetrics M => ctx.Metrics;
    private int W => Math.Max(1, _o.WorkerCount);
    private int Me => Math.Max(0, _o.WorkerIndex);
    private double _connectPhaseSeconds;
    private string? _fatal;

    public async Task<WorkerFinal> RunAsync(CancellationToken ct)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ctx.RunToken = abort.Token;
        var watchdog = WatchServerAsync(abort);
        var pings = PingLoopAsync(abort.Token);
        try
        {
            switch (_o.Scenario)
            {
                case ScenarioKind.Idle: await IdleAsync(abort.Token); break;
                case ScenarioKind.JoinStorm: await JoinStormAsync(abort.Token); break;
                case ScenarioKind.Chat or ScenarioKind.Fanout: await PostingAsync(abort.Token); break;
                case ScenarioKind.Churn: await ChurnAsync(abort.Token); break;
                case ScenarioKind.History: await HistoryAsync(abort.Token); break;
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // The watchdog stopped the run; _fatal says why.
        }
        catch (OperationCanceledException)
        {
            _fatal ??= "interrupted";
        }
        finally
        {
            ctx.Closing = true;
            await abort.CancelAsync();
            await CloseAllAsync();
            try { await Task.WhenAll(watchdog, pings); } catch (OperationCanceledException) { }
        }
        var receivers = new long[_o.Rooms];
        foreach (var c in Snapshot()) if (c.IsCountedReceiver) receivers[c.RoomIndex]++;
        return new WorkerFinal
        {
            SentPerRoom = ctx.SentPerRoom.ToArray(),
            DeliveredPerRoom = ctx.DeliveredPerRoom.ToArray(),
            ReceiversPerRoom = _receiversAtStart ?? receivers,
            ExpectedHistoryPosts = ctx.ExpectedHistoryPosts,
            ConnectPhaseSeconds = _connectPhaseSeconds,
            FanoutIncomplete = ctx.Fanout.Incomplete,
            Fatal = _fatal,
        };
    }

    private long[]? _receiversAtStart;

    private List<LoadClient> Snapshot()
    {
        lock (_clientsGate) return _clients.ToList();
    }

    private IEnumerable<int> MyIndexes(int from, int count)
    {
        for (int g = from; g < from + count; g++) if (g % W == Me) yield return g;
    }

    private LoadClient NewClient(int g, ClientRole role)
    {
        if (_o.Browser) role |= ClientRole.Browser;
        var c = new LoadClient(ctx, g, g % _o.Rooms, role);
        lock (_clientsGate) _clients.Add(c);
        return c;
    }

    /// <summary>Connects clients spread evenly over the ramp-up, at most --connect-concurrency at once.</summary>
    private async Task<int> ConnectAllAsync(IReadOnlyList<LoadClient> clients, double rampSeconds, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        var slots = ctx.ConnectSlots;
        var tasks = new List<Task<bool>>(clients.Count);
        for (int k = 0; k < clients.Count; k++)
        {
            if (rampSeconds > 0)
            {
                var due = TimeSpan.FromSeconds(rampSeconds * k / clients.Count) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.FromMilliseconds(1)) await Task.Delay(due, ct);
            }
            await slots.WaitAsync(ct);
            var c = clients[k];
            tasks.Add(Task.Run(async () =>
            {
                try { return await c.ConnectAsync(ct); }
                finally { slots.Release(); }
            }, CancellationToken.None));
        }
        var ok = await Task.WhenAll(tasks);
        _connectPhaseSeconds = Math.Max(_connectPhaseSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
        return ok.Count(x => x);
    }

    private async Task IdleAsync(CancellationToken ct)
    {
        var mine = MyIndexes(0, _o.Clients).Select(g => NewClient(g, ClientRole.Receiver)).ToList();
        await gate.ArriveAsync("connect", ct);
        await ConnectAllAsync(mine, _o.RampUpSeconds, ct);
        await SettleJoinsAsync(mine, ct);
        await gate.ArriveAsync("hold", ct);
        await Task.Delay(TimeSpan.FromSeconds(_o.DurationSeconds), ct);
    }

    private async Task JoinStormAsync(CancellationToken ct)
    {
        var mine = MyIndexes(0, _o.Clients).Select(g => NewClient(g, ClientRole.Receiver)).ToList();
        await gate.ArriveAsync("connect", ct);
        await ConnectAllAsync(mine, _o.RampUpSeconds, ct);
        // Let the last joins reach everybody before closing: with everyone in this process, the
        // k-th member sees k joins, so N(N+1)/2 in all.
        if (W == 1)
        {
            long n = mine.Count(c => c.IsOpen);
            await WaitUntilAsync(() => Interlocked.Read(ref M.JoinedSeen) >= n * (n + 1) / 2, TimeSpan.FromSeconds(_o.DrainSeconds), ct);
        }
        await WaitStableAsync(() => Interlocked.Read(ref M.JoinedSeen), TimeSpan.FromMilliseconds(500), ct);
        // Everyone is connected and has heard of everyone: the end of the connect phase for the
        // server's CPU figures, as in the other scenarios, before the closing begins.
        await gate.ArriveAsync("connected", ct);
    }

    private bool IsSender(int g) => _o.Scenario switch
    {
        ScenarioKind.Chat => true,
        ScenarioKind.Fanout => g / _o.Rooms < _o.Senders,
        _ => false,
    };

    private async Task PostingAsync(CancellationToken ct)
    {
        var mine = MyIndexes(0, _o.Clients).Select(g => NewClient(g, IsSender(g) ? ClientRole.Sender : ClientRole.Receiver)).ToList();
        await gate.ArriveAsync("connect", ct);
        await ConnectAllAsync(mine, _o.RampUpSeconds, ct);
        await SettleJoinsAsync(mine, ct);
        var open = mine.Where(c => c.IsOpen).ToList();
        var perRoom = new long[_o.Rooms];
        foreach (var c in open) perRoom[c.RoomIndex]++;
        for (int r = 0; r < _o.Rooms; r++) ctx.Fanout.SetMembers(r, (int)perRoom[r]);
        _receiversAtStart = perRoom;
        var senders = open.Where(c => (c.Role & ClientRole.Sender) != 0).ToList();
        int totalSenders = Enumerable.Range(0, _o.Clients).Count(IsSender);
        double share = totalSenders == 0 ? 0 : (double)MyIndexes(0, _o.Clients).Count(IsSender) / totalSenders;
        await gate.ArriveAsync("post", ct);
        if (_o.Posts > 0)
        {
            int posts = (int)Math.Round(_o.Posts * share);
            int window = Math.Max(1, (int)Math.Round(_o.InFlight * share));
            await ClosedLoopAsync(senders, posts, window, _o.ReplyRatio, ct);
        }
        else
        {
            await OpenLoopAsync(senders, _o.Rate * share, _o.DurationSeconds, ct);
        }
        await gate.ArriveAsync("drain", ct);
        // With connections lost on the way the expected count is not exact: wait for quiet only.
        if (W == 1 && Interlocked.Read(ref M.Disconnects) == 0)
        {
            // Every sender is here, so the deliveries to wait for are known exactly.
            long expected = 0;
            for (int r = 0; r < _o.Rooms; r++) expected += Interlocked.Read(ref ctx.SentPerRoom[r]) * perRoom[r];
            await WaitUntilAsync(() => Interlocked.Read(ref M.Delivered) >= expected, TimeSpan.FromSeconds(_o.DrainSeconds), ct);
        }
        await WaitStableAsync(() => Interlocked.Read(ref M.Delivered), TimeSpan.FromMilliseconds(300), ct);
        // Deliveries have stopped, the closing has not begun: the end of the delivering phase for the server's CPU figures.
        await gate.ArriveAsync("drained", ct);
    }

    /// <summary>
    /// Sends <paramref name="posts"/> posts round robin over the senders with at most
    /// <paramref name="window"/> outstanding. A post completes when its sender sees it come back,
    /// or when the sender loses its connection first (abandoned); a sender without a connection
    /// (reconnecting) is skipped, and a post it could not send is sent by another.
    /// </summary>
    private async Task ClosedLoopAsync(IReadOnlyList<LoadClient> senders, int posts, int window, double replyRatio, CancellationToken ct)
    {
        if (senders.Count == 0 || posts == 0) return;
        // Not disposed: a late echo or a send still under way may release it after this returns.
        var slots = new SemaphoreSlim(window);
        int completed = 0, sent = 0, notSent = 0, pending = 0, next = 0;
        ctx.OnEcho = (_, _) => { Interlocked.Increment(ref completed); slots.Release(); };
        ctx.OnAbandoned = n => { Interlocked.Add(ref completed, n); slots.Release(n); };
        var stall = TimeSpan.FromSeconds(Math.Max(1, _o.DrainSeconds));
        try
        {
            while (true)
            {
                if (Volatile.Read(ref sent) >= posts)
                {
                    // Sends still under way may yet fail and need sending again.
                    await WaitUntilAsync(() => Volatile.Read(ref pending) == 0, stall, ct);
                    if (Volatile.Read(ref sent) >= posts) break;
                }
                if (Volatile.Read(ref notSent) > posts)
                {
                    M.Error("stalled: senders had no connection");
                    return;
                }
                if (!await slots.WaitAsync(stall, ct))
                {
                    M.Error("stalled: no post came back within --drain");
                    return;
                }
                var s = NextOpenSender(senders, ref next);
                for (long waiting = Stopwatch.GetTimestamp(); s == null && Stopwatch.GetElapsedTime(waiting) < stall; s = NextOpenSender(senders, ref next))
                    await Task.Delay(20, ct);
                if (s == null)
                {
                    M.Error("stalled: no sender had a connection within --drain");
                    return;
                }
                Interlocked.Increment(ref pending);
                Interlocked.Increment(ref sent);
                _ = SendAsync(s);
            }
            await WaitUntilAsync(() => Volatile.Read(ref completed) >= posts, stall, ct);
        }
        finally
        {
            ctx.OnEcho = null;
            ctx.OnAbandoned = null;
        }

        async Task SendAsync(LoadClient s)
        {
            try
            {
                if (!await s.SendPostAsync(replyRatio))
                {
                    Interlocked.Increment(ref notSent);
                    Interlocked.Decrement(ref sent);
                    slots.Release();
                }
            }
            finally
            {
                Interlocked.Decrement(ref pending);
            }
        }
    }

    /// <summary>The next sender round robin that has a connection, or null if none has.</summary>
    private static LoadClient? NextOpenSender(IReadOnlyList<LoadClient> senders, ref int next)
    {
        for (int k = 0; k < senders.Count; k++)
        {
            var s = senders[next++ % senders.Count];
            if (s.IsOpen) return s;
        }
        return null;
    }

    /// <summary>Sends <paramref name="rate"/> posts per second round robin, on schedule whatever comes back.</summary>
    private async Task OpenLoopAsync(IReadOnlyList<LoadClient> senders, double rate, double seconds, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        long sent = 0;
        if (senders.Count > 0 && rate > 0)
        {
            // Exactly rate x seconds posts, each due at its slot in the schedule; a late timer tick
            // sends what has fallen due at once rather than dropping it.
            long total = (long)Math.Round(rate * seconds);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
            while (sent < total)
            {
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                long due = Math.Min(total, (long)(elapsed * rate) + 1);
                while (sent < due)
                {
                    _ = SendOrCountAsync(senders[(int)(sent % senders.Count)]);
                    sent++;
                }
                await timer.WaitForNextTickAsync(ct);
            }
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        }
        long target = Interlocked.Read(ref M.Sent);
        await WaitUntilAsync(() => Interlocked.Read(ref M.Echoed) + Interlocked.Read(ref M.Abandoned) >= target, TimeSpan.FromSeconds(_o.DrainSeconds), ct);
    }

    /// <summary>An open-loop post: on schedule or not at all; one its sender could not send (no connection) is counted.</summary>
    private async Task SendOrCountAsync(LoadClient sender)
    {
        if (!await sender.SendPostAsync(_o.ReplyRatio)) Interlocked.Increment(ref M.Unsent);
    }

    private async Task ChurnAsync(CancellationToken ct)
    {
        await gate.ArriveAsync("churn", ct);
        double rate = _o.Rate / W;
        long start = Stopwatch.GetTimestamp();
        _churnStart = start;
        var lives = new List<Task>();
        int k = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var slots = ctx.ConnectSlots;
        long total = (long)Math.Round(rate * _o.DurationSeconds);
        while (k < total)
        {
            long due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
            while (k < due)
            {
                var c = NewClient(k * W + Me, ClientRole.Receiver);
                k++;
                lives.Add(LiveAsync(c, slots, ct));
            }
            await timer.WaitForNextTickAsync(ct);
        }
        await Task.WhenAll(lives);
    }

    private long _churnStart, _lastConnectDone;

    private async Task LiveAsync(LoadClient c, SemaphoreSlim slots, CancellationToken ct)
    {
        bool ok;
        await slots.WaitAsync(ct);
        try { ok = await c.ConnectAsync(ct); }
        finally { slots.Release(); }
        // Churn's connect phase: from the first connect started to the last one finished.
        LoadMetrics.Last(ref _lastConnectDone, Stopwatch.GetTimestamp());
        _connectPhaseSeconds = Stopwatch.GetElapsedTime(_churnStart, Interlocked.Read(ref _lastConnectDone)).TotalSeconds;
        if (ok)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(_o.LifetimeSeconds), ct); }
            catch (OperationCanceledException) { }
        }
        await c.CloseAsync();
        lock (_clientsGate) _clients.Remove(c);
    }

    private async Task HistoryAsync(CancellationToken ct)
    {
        ctx.ExpectedHistoryPosts = _o.Posts;
        var seeders = Me == 0
            ? Enumerable.Range(0, _o.Seeders).Select(g => NewClient(g, ClientRole.Sender | (_o.SeedersServe ? ClientRole.ServesLogs : 0))).ToList()
            : new List<LoadClient>();
        await gate.ArriveAsync("seed", ct);
        await ConnectAllAsync(seeders, 0, ct);
        await ClosedLoopAsync(seeders.Where(s => s.IsOpen).ToList(), _o.Posts, _o.InFlight, 0, ct);
        var joiners = MyIndexes(_o.Seeders, _o.Clients).Select(g => NewClient(g, ClientRole.PullsHistory)).ToList();
        await gate.ArriveAsync("join", ct);
        await ConnectAllAsync(joiners, _o.RampUpSeconds, ct);
        await Task.WhenAll(joiners.Select(j => j.HistoryDone)).WaitAsync(TimeSpan.FromSeconds(90), ct);
        await gate.ArriveAsync("done", ct);
    }

    private async Task PingLoopAsync(CancellationToken ct)
    {
        if (_o.PingIntervalSeconds <= 0) return;
        int interval = Math.Max(1, (int)Math.Round(_o.PingIntervalSeconds));
        var promise = TimeSpan.FromSeconds(2 * interval + 10);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                tick++;
                foreach (var c in Snapshot())
                    if (c.IsOpen && c.Index % interval == tick % interval) _ = c.PingAsync(promise);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// Stops the run when every connection this process had is gone without us closing them (with
    /// --reconnect: and none has come back for <see cref="ReconnectGiveUp"/>), or when nothing connects.
    /// </summary>
    private async Task WatchServerAsync(CancellationTokenSource abort)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        long allGoneSince = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(abort.Token))
            {
                if (ctx.Closing) continue;
                long connected = Interlocked.Read(ref M.Connected), failed = Interlocked.Read(ref M.ConnectFailed);
                bool allGone = connected > 0 && Interlocked.Read(ref M.Open) == 0 && Interlocked.Read(ref M.Disconnects) >= connected;
                if (!allGone) allGoneSince = 0;
                else if (allGoneSince == 0) allGoneSince = Stopwatch.GetTimestamp();
                if (allGone && _o.Reconnect && Stopwatch.GetElapsedTime(allGoneSince) < ReconnectGiveUp) allGone = false;
                bool unreachable = connected == 0 && failed >= Math.Min(10, Math.Max(1, Snapshot().Count));
                if (allGone || unreachable)
                {
                    var causes = M.ErrorCounts().OrderByDescending(e => e.Value).Select(e => e.Key).FirstOrDefault() ?? "unknown";
                    _fatal = allGone
                        ? (_o.Reconnect ? $"every connection was lost and none came back within {ReconnectGiveUp.TotalSeconds:F0} s ({causes})" : $"the server dropped every connection ({causes})")
                        : $"cannot connect to {_o.ServerList} ({causes})";
                    await abort.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>With --reconnect, how long every connection may be down before the run stops.</summary>
    private static readonly TimeSpan ReconnectGiveUp = TimeSpan.FromSeconds(30);

    private async Task CloseAllAsync()
    {
        var all = Snapshot();
        using var slots = new SemaphoreSlim(512);
        await Task.WhenAll(all.Select(async c =>
        {
            await slots.WaitAsync();
            try { await c.CloseAsync(); }
            finally { slots.Release(); }
        }));
    }

    /// <summary>
    /// Waits until the joins the connect phase announced have reached the room members (exactly,
    /// with every client in this process; else until they stop coming), so that the server's CPU
    /// for them counts in the connect phase and not in the next one.
    /// </summary>
    private async Task SettleJoinsAsync(List<LoadClient> mine, CancellationToken ct)
    {
        if (W == 1 && Interlocked.Read(ref M.Disconnects) == 0)
        {
            // The k-th member of a room sees k joins (its own too): k(k+1)/2 per room.
            var perRoom = new long[_o.Rooms];
            foreach (var c in mine) if (c.IsOpen) perRoom[c.RoomIndex]++;
            long expected = perRoom.Sum(k => k * (k + 1) / 2);
            await WaitUntilAsync(() => Interlocked.Read(ref M.JoinedSeen) >= expected, TimeSpan.FromSeconds(_o.DrainSeconds), ct);
        }
        await WaitStableAsync(() => Interlocked.Read(ref M.JoinedSeen), TimeSpan.FromMilliseconds(300), ct);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan noProgressLimit, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        while (!condition() && Stopwatch.GetElapsedTime(start) < noProgressLimit) await Task.Delay(5, ct);
    }

    private static async Task WaitStableAsync(Func<long> value, TimeSpan quiet, CancellationToken ct)
    {
        long last = value();
        long since = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(since) < quiet)
        {
            await Task.Delay(20, ct);
            long now = value();
            if (now != last) { last = now; since = Stopwatch.GetTimestamp(); }
        }
    }
}
