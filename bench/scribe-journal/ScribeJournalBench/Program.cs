using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Scribe.Actors.Journal;
using Scribe.Actors.Stores;
using Scribe.Actors.Tests.Journal;

// The Scribe journal benchmark: posts stored per second, 1,000-post range requests against a
// large log, and recovery of that log, on SQLite (WAL) and on a PostgreSQL server started here.
// Usage: dotnet run -c Release -- [sqlite|postgresql|both] [posts (1000000)] [requests (200)]
if (args is ["recover", var spec])
{
    // A cold process: start, recover the log, report the time since the process started.
    var journalToRecover = ScribeJournalConfig.Parse(spec);
    var toMain = DateTime.Now - Process.GetCurrentProcess().StartTime;
    await using var node = Bench.Start(journalToRecover, new ScribeLogSettings(), "cold");
    var toSystem = DateTime.Now - Process.GetCurrentProcess().StartTime;
    var recoveredBounds = await node.Log.BoundsAsync();
    var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold process: main after {toMain.TotalMilliseconds:F0} ms, actor system after {toSystem.TotalMilliseconds:F0} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sinceStart.TotalMilliseconds:F0} {recoveredBounds?.Count ?? 0}"));
    return;
}

string which = args.Length > 0 ? args[0] : "both";
int total = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
int requests = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
Console.WriteLine($"# {DateTime.UtcNow:u}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");

if (which is "sqlite" or "both")
{
    string dir = Path.Combine(Path.GetTempPath(), "scribe-journal-bench-" + Guid.NewGuid().ToString("N")[..8]);
    try
    {
        var journal = ScribeJournalConfig.Parse("sqlite:" + Path.Combine(dir, "journal.sqlite"));
        journal.Prepare();
        await Bench.RunAsync("SQLite (WAL, synchronous=FULL)", journal, total, requests);
    }
    finally
    {
        Directory.Delete(dir, recursive: true);
    }
}

if (which is "postgresql" or "both")
{
    await using var server = await PostgreSqlServer.StartAsync(durable: true);
    var journal = ScribeJournalConfig.Parse(await server.CreateDatabaseAsync("bench"));
    await Bench.RunAsync("PostgreSQL 15 (local, fsync on)", journal, total, requests);
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

internal static class Bench
{
    private const string Room = "bench";

    public static async Task RunAsync(string name, ScribeJournalConfig journal, int total, int requests)
    {
        Console.WriteLine($"## {name}");
        var settings = new ScribeLogSettings { AskTimeout = TimeSpan.FromMinutes(2) };
        var node = Start(journal, settings, "writer");
        var log = node.Log;
        await log.BoundsAsync();
        long nextId = 1L << 40;
        LogEntry NewPost() => Post(nextId += 1024 + Random.Shared.Next(0, 1 << 14));

        // Live traffic: single-post appends, up to 2,000 in flight; the log writes whatever
        // reached its mailbox together as one batch.
        int live = Math.Min(100_000, total / 4);
        Cpu(null, 0);
        var clock = Stopwatch.StartNew();
        var inFlight = new Queue<Task>();
        for (int i = 0; i < live; i++)
        {
            inFlight.Enqueue(log.AppendAsync([NewPost()]));
            if (inFlight.Count >= 2_000)
            {
                await inFlight.Dequeue();
            }
        }

        await Task.WhenAll(inFlight);
        Cpu("live appends", live);
        Report($"live appends, 1 post each, <= 2,000 in flight: {live:N0} posts", live / clock.Elapsed.TotalSeconds, "posts/s");

        // Bulk: 1,000-post appends (history pulled from a peer, an import), 4 in flight.
        int bulk = total - live;
        Cpu(null, 0);
        clock.Restart();
        var bulkInFlight = new Queue<Task>();
        for (int done = 0; done < bulk; done += 1_000)
        {
            var batch = new List<LogEntry>(1_000);
            for (int i = 0; i < Math.Min(1_000, bulk - done); i++)
            {
                batch.Add(NewPost());
            }

            bulkInFlight.Enqueue(log.AppendAsync(batch));
            if (bulkInFlight.Count >= 4)
            {
                await bulkInFlight.Dequeue();
            }
        }

        await Task.WhenAll(bulkInFlight);
        Cpu("bulk appends", bulk);
        Report($"bulk appends, 1,000 posts each: {bulk:N0} posts", bulk / clock.Elapsed.TotalSeconds, "posts/s");
        var bounds = (await log.BoundsAsync())!;
        Console.WriteLine($"- the log holds {bounds.Count:N0} posts");

        await Ranges(log, bounds, requests);
        Console.WriteLine("  - the same through the read journal (CurrentEventsByPersistenceId) instead of the journal table:");
        var viaQuery = new JournalScribeLog(node.System, log.Actor, Room, settings, new QueryJournalEventReader(node.System, ScribeJournalConfig.ReadJournalPluginId));
        await Ranges(viaQuery, bounds, Math.Min(requests, 50));

        await node.DisposeAsync();

        // Recovery in a fresh actor system (plugin start-up included), then again in a warm one.
        for (int run = 1; run <= 3; run++)
        {
            clock.Restart();
            var restarted = Start(journal, settings, "recovery-" + run);
            var recovered = await restarted.Log.BoundsAsync();
            Report($"recovery of {recovered!.Count:N0} posts, new actor system, run {run}", clock.Elapsed.TotalMilliseconds, "ms");
            if (run == 3)
            {
                await restarted.Log.Actor.GracefulStop(TimeSpan.FromSeconds(30));
                clock.Restart();
                // Unnamed: the old actor's name may not be released yet.
                var again = new JournalScribeLog(
                    restarted.System, restarted.System.ActorOf(ScribeLogActor.Props(Room, settings)), Room, settings, new SqlTableEventReader(restarted.System, journal));
                recovered = await again.BoundsAsync();
                Report($"recovery of {recovered!.Count:N0} posts, actor restarted in a warm system", clock.Elapsed.TotalMilliseconds, "ms");
                await Ranges(again, recovered, requests);
            }

            await restarted.DisposeAsync();
        }

        for (int run = 1; run <= 2; run++)
        {
            var (ms, posts) = await RecoverInNewProcessAsync(journal);
            Report($"recovery of {posts:N0} posts in a new process, from its start (runtime start-up and JIT included), run {run}", ms, "ms");
        }
    }

    private static async Task<(double Ms, long Posts)> RecoverInNewProcessAsync(ScribeJournalConfig journal)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        start.ArgumentList.Add(typeof(Bench).Assembly.Location);
        start.ArgumentList.Add("recover");
        start.ArgumentList.Add(journal.Kind == JournalKind.Sqlite ? "sqlite:" + journal.SqlitePath : journal.ConnectionString);
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        // The figures are the one line of two numbers among the log lines.
        string[] last = output.Split('\n').Select(l => l.Trim()).Last(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d+ \d+$")).Split(' ');
        return (double.Parse(last[0], CultureInfo.InvariantCulture), long.Parse(last[1], CultureInfo.InvariantCulture));
    }

    private static async Task Ranges(IScribeLog log, LogBounds bounds, int requests)
    {
        // 1,000-post requests ending at random points of the log (a log request "before ID"), after 20 warm-ups.
        Cpu(null, 0);
        var times = new List<double>();
        long span = bounds.To - bounds.From;
        for (int i = -20; i < requests; i++)
        {
            long to = bounds.From + span / 10 + (long)(Random.Shared.NextDouble() * (span - span / 10));
            var clock = Stopwatch.StartNew();
            var reply = await log.RangeAsync(null, to, 1_000);
            double ms = clock.Elapsed.TotalMilliseconds;
            if (reply.Count != 1_000 || reply[^1].Id > to)
            {
                throw new InvalidOperationException($"a range request returned {reply.Count} posts");
            }

            if (i >= 0)
            {
                times.Add(ms);
            }
        }

        Cpu("range requests", requests + 20);
        times.Sort();
        Report($"1,000-post range request of {bounds.Count:N0}, median of {requests}", times[times.Count / 2], "ms");
        Report($"same, p95", times[(int)(times.Count * 0.95)], "ms");
    }

    private static TimeSpan _cpu;

    // Process CPU time per item since the last call: on a shared machine, what this work costs
    // when it gets the cores, whatever else runs.
    private static void Cpu(string? what, int items)
    {
        var now = Process.GetCurrentProcess().TotalProcessorTime;
        if (what is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  - CPU time of {what}: {(now - _cpu).TotalMilliseconds * 1000 / items:N1} µs each"));
        }

        _cpu = now;
    }

    private static LogEntry Post(long id) => new(id, id - 1024, 0x1000 + (id % 97), "nick" + (id % 97), "post number " + id + " with some words in it");

    private static void Report(string what, double value, string unit)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {what}: **{value:N1} {unit}**"));

    public static Node Start(ScribeJournalConfig journal, ScribeLogSettings settings, string name)
    {
        // BENCH_HOCON: settings to try on top of the journal's, e.g. the plugin's batch sizes.
        var config = ConfigurationFactory.ParseString(Environment.GetEnvironmentVariable("BENCH_HOCON") ?? string.Empty)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = INFO\nakka.stdout-loglevel = INFO\nakka.log-dead-letters = off"))
            .WithFallback(journal.ToConfig());
        var system = ActorSystem.Create("bench-" + name, config);
        return new Node(system, JournalScribeLog.Start(system, system, Room, journal, settings));
    }

    public sealed record Node(ActorSystem System, JournalScribeLog Log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await System.Terminate();
    }
}
