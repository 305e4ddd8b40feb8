// The browser client under a big history: a room whose embedded Scribe holds N posts (10,000 by
// default, filled through the server's WebSocket), opened in headless Debian Chromium. Measures,
// inside the page (performance.now(), from navigation start):
//   first screen   the newest post's line is laid out inside the message pane
//   all loaded     every post is in the page
// and typing: for K key presses, the time from the keydown event to the frame after the input
// element took the character (a requestAnimationFrame, then a task after it), p50/p99/max.
// Usage: dotnet run -c Release -- [posts (10000)] [runs (5)] [keys (100)]
// BENCH_WEBROOT=DIR serves the client from DIR instead of this checkout; BENCH_PROFILE=1 prints hot functions.
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Instant.Web;
using Microsoft.Playwright;

int posts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
int keys = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
string chromium = Environment.GetEnvironmentVariable("INSTANT_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
// BENCH_WEBROOT: another checkout's client (say, before a change), served by this build's server.
string webroot = Environment.GetEnvironmentVariable("BENCH_WEBROOT") is { Length: > 0 } root ? root
    : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../src/Instant.Web/wwwroot"));
string scribeDir = Directory.CreateTempSubdirectory("instant-browser-bench-").FullName;
const string Room = "big";

await using var server = await InstantServer.StartAsync(
[
    "-h", "127.0.0.1", "--webroot", webroot, "--http-log", "/dev/null", "--debug-log", "/dev/null", "0",
    "-o", "instant.scribe.rooms=" + Room, "-o", "instant.scribe.directory=" + scribeDir,
]);
var fill = Stopwatch.StartNew();
string newest = await HistoryFiller.FillAsync(server.BaseUri, Room, posts);
Console.WriteLine($"filled {posts} posts through the server in {fill.Elapsed.TotalSeconds:F1} s; load average {File.ReadAllText("/proc/loadavg").Trim()}");

Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = chromium, Headless = true,
    Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// Watches the page from its first script on: when the newest post's line is inside the pane,
// and when all posts are in; and, once armed, the latency of each key press.
string probe = $$"""
(() => {
  const newest = 'message-{{newest}}';
  window.__bench = { firstScreen: null, shown: 0, logArrived: null, logPosts: 0, keys: [] };
  const Native = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const ws = new Native(url, protocols);
    ws.addEventListener('message', e => {
      if (window.__bench.logArrived === null && e.data.indexOf('"type":"log"') >= 0) {
        window.__bench.logArrived = performance.now();
        try { window.__bench.logPosts = JSON.parse(e.data).data.data.length; } catch (err) { }
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  function check() {
    const b = window.__bench;
    if (b.firstScreen === null) {
      const n = document.getElementById(newest), pane = document.getElementById('messages');
      if (n && pane) {
        const r = n.firstElementChild.getBoundingClientRect(), p = pane.getBoundingClientRect();
        if (r.height > 0 && r.bottom <= p.bottom + 1 && r.top >= p.top - 1) {
          b.firstScreen = performance.now();
          b.shown = document.querySelectorAll('.message:not(.placeholder)').length;
        }
      }
    }
    if (b.firstScreen === null) requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
  document.addEventListener('keydown', e => {
    if (!b_armed()) return;
    const down = e.timeStamp;
    e.target.addEventListener('input', () => requestAnimationFrame(() => setTimeout(() => window.__bench.keys.push(performance.now() - down), 0)), { once: true });
  }, true);
  function b_armed() { return window.__bench.armed === true; }
})();
""";

var firstScreens = new List<double>();
var logArrived = new List<double>();
var keyLatencies = new List<double>();
for (int run = 0; run < runs; run++)
{
    await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 760 } });
    await context.AddInitScriptAsync(probe);
    var page = await context.NewPageAsync();
    var cdp = await context.NewCDPSessionAsync(page);
    await cdp.SendAsync("Performance.enable");
    bool profile = Environment.GetEnvironmentVariable("BENCH_PROFILE") == "1";
    if (profile)
    {
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.start");
    }

    page.SetDefaultTimeout(120_000);
    await page.GotoAsync(new Uri(server.BaseUri, $"/room/{Room}/").ToString());
    try
    {
        await page.WaitForFunctionAsync("() => window.__bench.firstScreen !== null", null, new() { Timeout = 120_000, PollingInterval = 50 });
    }
    catch (TimeoutException)
    {
        Console.WriteLine("gave up; the page shows: " + await page.EvaluateAsync<string>(
            "() => JSON.stringify({ bench: window.__bench, messages: document.querySelectorAll('.message').length })"));
        throw;
    }

    firstScreens.Add(await page.EvaluateAsync<double>("() => window.__bench.firstScreen"));
    logArrived.Add(await page.EvaluateAsync<double>("() => window.__bench.logArrived"));
    int shown = await page.EvaluateAsync<int>("() => window.__bench.shown");
    int logPosts = await page.EvaluateAsync<int>("() => window.__bench.logPosts");
    if (profile)
    {
        PrintHotFunctions((await cdp.SendAsync("Profiler.stop"))!.Value.GetProperty("profile"));
    }

    var metrics = await cdp.SendAsync("Performance.getMetrics");
    var named = metrics!.Value.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
    string mainThread = string.Join(", ", new[] { "TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration" }.Select(n => $"{n} {named[n] * 1000:F0} ms"));

    var input = page.Locator("#message-input");
    await input.FocusAsync();
    await page.EvaluateAsync("() => { window.__bench.armed = true; }");
    for (int k = 0; k < keys; k++)
    {
        await page.Keyboard.PressAsync(((char)('a' + k % 26)).ToString());
        await page.WaitForFunctionAsync("n => window.__bench.keys.length >= n", k + 1, new() { PollingInterval = 5 });
    }

    keyLatencies.AddRange(await page.EvaluateAsync<double[]>("() => window.__bench.keys"));
    Console.WriteLine($"run {run + 1}: first screen {firstScreens[^1]:F0} ms with {shown} posts in the page (the log reply of {logPosts} posts arrived at {logArrived[^1]:F0} ms); main thread until then: {mainThread}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
}

Console.WriteLine($"first screen (ms from navigation start, {runs} runs): median {Percentile(firstScreens, 50):F0}, max {firstScreens.Max():F0}");
Console.WriteLine($"log reply arrived (ms from navigation start, {runs} runs): median {Percentile(logArrived, 50):F0}");
Console.WriteLine($"key press to next frame ({keyLatencies.Count} presses, ms): p50 {Percentile(keyLatencies, 50):F1}, p99 {Percentile(keyLatencies, 99):F1}, max {keyLatencies.Max():F1}");
Directory.Delete(scribeDir, recursive: true);

// BENCH_PROFILE=1: the functions that took the most self time until the first screen.
static void PrintHotFunctions(System.Text.Json.JsonElement profile)
{
    var nodes = profile.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt32());
    var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(d => d.GetInt64()).ToArray();
    var samples = profile.GetProperty("samples").EnumerateArray().Select(d => d.GetInt32()).ToArray();
    var self = new Dictionary<string, double>();
    for (int i = 0; i < samples.Length; i++)
    {
        var frame = nodes[samples[i]].GetProperty("callFrame");
        string name = $"{frame.GetProperty("functionName").GetString()} {Path.GetFileName(frame.GetProperty("url").GetString())}:{frame.GetProperty("lineNumber").GetInt32() + 1}";
        self[name] = self.GetValueOrDefault(name) + (i + 1 < deltas.Length ? deltas[i + 1] : 0) / 1000.0;
    }

    foreach (var (name, ms) in self.OrderByDescending(p => p.Value).Take(15))
    {
        Console.WriteLine($"  {ms,8:F0} ms  {name}");
    }
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p / 100 * sorted.Length) - 1)];
}

/// <summary>Posts through the server's WebSocket, as a person would, so the room's Scribe keeps them.</summary>
internal static class HistoryFiller
{
    /// <summary>Posts <paramref name="count"/> messages (every fourth a reply to a recent one; the newest at the top level) and returns the newest id once the Scribe holds them all.</summary>
    public static async Task<string> FillAsync(Uri baseUri, string room, int count)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(baseUri) { Scheme = "ws", Path = $"/room/{room}/ws" }.Uri, limit.Token);
        var ids = new List<string>(count);
        var random = new Random(42);
        var receiving = Task.Run(async () =>
        {
            while (ids.Count < count)
            {
                var frame = await ReceiveAsync(socket, limit.Token);
                if ((string?)frame["type"] == "response" && frame["data"]?["id"] is JsonNode id)
                {
                    ids.Add((string)id!);
                }
            }
        });
        for (int i = 0; i < count; i++)
        {
            string? parent = i % 4 == 3 && i < count - 1 && ids.Count > 0 ? ids[random.Next(Math.Max(0, ids.Count - 50), ids.Count)] : null;
            var data = new JsonObject { ["type"] = "post", ["nick"] = "poster" + (i % 7), ["text"] = $"message {i}: some *text* with a link https://example.org/{i} and @poster{(i + 1) % 7}", ["parent"] = parent };
            await SendAsync(socket, new JsonObject { ["type"] = "broadcast", ["seq"] = i, ["data"] = data }, limit.Token);
            if (i % 200 == 199)
            {
                while (ids.Count < i - 100 && !receiving.IsCompleted) await Task.Delay(5, limit.Token);
            }
        }

        await receiving;
        // The Scribe has them all when its log-info says so.
        while (true)
        {
            await SendAsync(socket, new JsonObject { ["type"] = "broadcast", ["data"] = new JsonObject { ["type"] = "log-query" } }, limit.Token);
            var info = await ReceiveUntilAsync(socket, f => f["data"] is JsonObject d && (string?)d["type"] == "log-info", limit.Token);
            if ((int?)info["data"]!["length"] >= count) return ids[^1];
            await Task.Delay(200, limit.Token);
        }
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject frame, CancellationToken cancellation)
        => socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, cancellation);

    private static async Task<JsonObject> ReceiveUntilAsync(ClientWebSocket socket, Func<JsonObject, bool> wanted, CancellationToken cancellation)
    {
        while (true)
        {
            var frame = await ReceiveAsync(socket, cancellation);
            if (wanted(frame)) return frame;
        }
    }

    private static async Task<JsonObject> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellation)
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellation);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonNode.Parse(message.ToArray())!.AsObject();
    }
}
