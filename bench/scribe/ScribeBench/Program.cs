// Scribe benchmarks: posts stored per second into SQLite, and the time to answer a
// 1,000-post log-request from a 1,000,000-post database. Both go through the real
// ScribeActor (frames in, frames out) with a real SQLite file; the raw store numbers are
// printed beside them. Usage: dotnet run -c Release -- [posts-for-ingest] [database-size]
using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Scribe.Actors.Logging;
using Scribe.Actors.Protocol;
using Scribe.Actors.Stores;
using Instant.Protocol;

int ingestPosts = args.Length > 0 ? int.Parse(args[0]) : 200_000;
int databaseSize = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
string directory = Path.Combine(Path.GetTempPath(), "scribe-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.log-dead-letters = off");
using var system = ActorSystem.Create("bench", config);
const long Base = 0x0006884000000000;
const string Peer = "0000000000020000";

try
{
    Console.WriteLine($"# Scribe benchmarks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    await IngestAsync();
    await QueryAsync();
}
finally
{
    await system.Terminate();
    Directory.Delete(directory, recursive: true);
}

byte[] PostFrame(long id) => JsonSerializer.SerializeToUtf8Bytes(new
{
    type = "broadcast",
    id = IdFormat.ToHex(id),
    from = Peer,
    timestamp = id >> 10,
    data = new { type = "post", nick = "bench", text = "The quick brown fox jumps over the lazy dog, post " + id, parent = (string?)null },
});

async Task IngestAsync()
{
    // Live posts through the actor, logged to a real logfile; the SQLite default (WAL, synchronous=FULL).
    string db = Path.Combine(directory, "ingest.sqlite");
    using var store = new SqliteMessageStore(db);
    using var log = LogfileWriter.Open(Path.Combine(directory, "ingest.log"), LogRotation.Never);
    var transport = new CountingTransport();
    var scribe = system.ActorOf(ScribeActor.Props(store, log, new ScribeSettings { DontPull = true }));
    scribe.Tell(new ScribeConnected(transport));
    var frames = Enumerable.Range(0, ingestPosts).Select(i => PostFrame(Base + i * 4L)).ToArray();
    var clock = Stopwatch.StartNew();
    foreach (var frame in frames)
    {
        scribe.Tell(new ServerFrame(frame));
    }

    var bounds = (LogBounds)await scribe.Ask<object>(GetLogBounds.Instance, TimeSpan.FromMinutes(5));
    clock.Stop();
    if (bounds.Count != ingestPosts)
    {
        throw new InvalidOperationException($"stored {bounds.Count} of {ingestPosts}");
    }

    Console.WriteLine($"ingest via ScribeActor (logfile + SQLite file, WAL, synchronous=FULL): {ingestPosts:N0} posts in {clock.Elapsed.TotalSeconds:F2} s = {ingestPosts / clock.Elapsed.TotalSeconds:N0} posts/s");
    await scribe.GracefulStop(TimeSpan.FromSeconds(30));

    using var raw = new SqliteMessageStore(Path.Combine(directory, "raw.sqlite"));
    var entries = Enumerable.Range(0, ingestPosts).Select(i => new LogEntry(Base + i * 4L, null, 0x20000, "bench", "The quick brown fox jumps over the lazy dog")).ToArray();
    clock.Restart();
    foreach (var chunk in entries.Chunk(1000))
    {
        raw.Add(chunk);
    }

    clock.Stop();
    Console.WriteLine($"ingest into SqliteMessageStore directly, 1,000-post transactions: {ingestPosts / clock.Elapsed.TotalSeconds:N0} posts/s");
}

async Task QueryAsync()
{
    string db = Path.Combine(directory, "million.sqlite");
    using var store = new SqliteMessageStore(db, "OFF");
    var build = Stopwatch.StartNew();
    for (int start = 0; start < databaseSize; start += 20_000)
    {
        int count = Math.Min(20_000, databaseSize - start);
        store.Add(Enumerable.Range(start, count).Select(i => new LogEntry(Base + i * 4L, i % 7 == 0 ? null : Base + (i - 1) * 4L, 0x20000 + i % 50, "user" + (i % 50), "Some post text of a usual length, number " + i)).ToArray());
    }

    store.AddUuids(Enumerable.Range(0, 50).ToDictionary(i => 0x20000L + i, i => $"00000000-0000-1000-8000-{i:D12}"));
    Console.WriteLine($"built a {databaseSize:N0}-post database in {build.Elapsed.TotalSeconds:F1} s");

    var transport = new CountingTransport();
    var scribe = system.ActorOf(ScribeActor.Props(store, LogfileWriter.Null(), new ScribeSettings { DontPull = true }));
    scribe.Tell(new ScribeConnected(transport));
    var random = new Random(42);
    var timings = new List<double>();
    for (int round = 0; round < 220; round++)
    {
        long to = Base + random.Next(1000, databaseSize) * 4L;
        byte[] request = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "unicast",
            id = IdFormat.ToHex(Base + round),
            from = Peer,
            to = "0000000000010000",
            data = new { type = "log-request", to = IdFormat.ToHex(to), length = 1000 },
        });
        var clock = Stopwatch.StartNew();
        var reply = transport.Next();
        scribe.Tell(new ServerFrame(request));
        byte[] frame = await reply.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Stop();
        if (round >= 20)
        {
            // The first rounds warm up the JIT and SQLite's page cache.
            timings.Add(clock.Elapsed.TotalMilliseconds);
        }

        using var parsed = JsonDocument.Parse(frame);
        int posts = parsed.RootElement.GetProperty("data").GetProperty("data").GetArrayLength();
        if (posts != 1000)
        {
            throw new InvalidOperationException($"reply had {posts} posts");
        }

        if (round == 0)
        {
            Console.WriteLine($"a 1,000-post log reply is {frame.Length:N0} bytes");
        }
    }

    timings.Sort();
    Console.WriteLine($"1,000-post log-request from {databaseSize:N0} posts, request frame in -> reply frame out ({timings.Count} requests): " +
        $"p50 {timings[timings.Count / 2]:F2} ms, p99 {timings[(int)(timings.Count * 0.99)]:F2} ms, max {timings[^1]:F2} ms");

    var infoTimings = new List<double>();
    for (int round = 0; round < 50; round++)
    {
        byte[] query = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "broadcast",
            id = IdFormat.ToHex(Base + 1000 + round),
            from = Peer,
            data = new { type = "log-query" },
        });
        var clock = Stopwatch.StartNew();
        var reply = transport.Next();
        scribe.Tell(new ServerFrame(query));
        await reply.WaitAsync(TimeSpan.FromSeconds(30));
        infoTimings.Add(clock.Elapsed.TotalMilliseconds);
    }

    infoTimings.Sort();
    Console.WriteLine($"log-query -> log-info from {databaseSize:N0} posts: p50 {infoTimings[infoTimings.Count / 2]:F2} ms, max (the first counts the table) {infoTimings[^1]:F2} ms");

    // A request without length: what it costs is bounded by ScribeSettings.MaxReplyPosts
    // (it once read the whole database).
    var unbounded = new List<double>();
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    int unboundedPosts = 0;
    for (int round = 0; round < 20; round++)
    {
        byte[] request = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "unicast",
            id = IdFormat.ToHex(Base + 2000 + round),
            from = Peer,
            to = "0000000000010000",
            data = new { type = "log-request" },
        });
        var clock = Stopwatch.StartNew();
        var reply = transport.Next();
        scribe.Tell(new ServerFrame(request));
        byte[] frame = await reply.WaitAsync(TimeSpan.FromSeconds(60));
        unbounded.Add(clock.Elapsed.TotalMilliseconds);
        using var parsed = JsonDocument.Parse(frame);
        unboundedPosts = parsed.RootElement.GetProperty("data").GetProperty("data").GetArrayLength();
    }

    unbounded.Sort();
    Console.WriteLine($"log-request without length from {databaseSize:N0} posts ({unboundedPosts:N0} posts in the reply): " +
        $"p50 {unbounded[unbounded.Count / 2]:F2} ms, max {unbounded[^1]:F2} ms, " +
        $"{(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / unbounded.Count / (1024.0 * 1024):F1} MB allocated per request");

    var rawClock = Stopwatch.StartNew();
    for (int i = 0; i < 100; i++)
    {
        store.Query(null, Base + random.Next(1000, databaseSize) * 4L, 1000);
    }

    Console.WriteLine($"store.Query of 1,000 posts alone: {rawClock.Elapsed.TotalMilliseconds / 100:F2} ms mean");
}

/// <summary>Counts frames and hands the next one to whoever waits for it.</summary>
internal sealed class CountingTransport : IScribeTransport
{
    private TaskCompletionSource<byte[]>? _next;

    public long Frames;

    public Task<byte[]> Next()
    {
        var next = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _next, next);
        return next.Task;
    }

    public void Send(byte[] frame)
    {
        Interlocked.Increment(ref Frames);
        Interlocked.Exchange(ref _next, null)?.TrySetResult(frame);
    }

    public void Close(bool final)
    {
    }
}
