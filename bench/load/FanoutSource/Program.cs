using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

// fanout-source PORT POSTS_PER_SECOND [SIZE]
// Accepts WebSocket upgrades on 127.0.0.1:PORT (any path), sends an Instant identity frame, then
// sends every connection the same stream of Instant "post" broadcasts carrying instant-load's
// marker (sender, sequence, Stopwatch send time): each post is encoded once and written to all
// connections in batches, so the source costs far less CPU per delivery than the receiver.
// It never reads what clients send (it drains and ignores it).
if (args.Length < 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out int port)
    || !double.TryParse(args[1], CultureInfo.InvariantCulture, out double rate))
{
    Console.Error.WriteLine("usage: fanout-source PORT POSTS_PER_SECOND [SIZE]");
    return 2;
}
int size = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
var clients = new List<Socket>();
var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
listener.Listen(1024);
Console.Out.WriteLine($"fanout-source listening on 127.0.0.1:{port}, {rate} posts/s");
_ = Task.Run(async () =>
{
    while (true)
    {
        var s = await listener.AcceptAsync();
        _ = Task.Run(() => HandshakeAsync(s));
    }
});

async Task HandshakeAsync(Socket s)
{
    s.NoDelay = true;
    var buf = new byte[4096];
    int n = 0;
    while (n < buf.Length)
    {
        int r = await s.ReceiveAsync(buf.AsMemory(n));
        if (r == 0) { s.Dispose(); return; }
        n += r;
        if (Encoding.ASCII.GetString(buf, 0, n).Contains("\r\n\r\n", StringComparison.Ordinal)) break;
    }
    string req = Encoding.ASCII.GetString(buf, 0, n);
    string key = req.Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
    string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
    string id = (Interlocked.Increment(ref nextId)).ToString("X16", CultureInfo.InvariantCulture);
    var hello = Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n");
    var identity = Frame(Encoding.UTF8.GetBytes($"{{\"type\":\"identity\",\"data\":{{\"id\":\"{id}\",\"uuid\":\"00000000-0000-1000-8000-{id[4..]}\",\"version\":\"fanout-source\"}}}}"));
    await s.SendAsync(hello.Concat(identity).ToArray());
    lock (clients) clients.Add(s);
    try
    {
        while (await s.ReceiveAsync(buf) > 0) { }
    }
    catch (SocketException) { }
    lock (clients) clients.Remove(s);
    s.Dispose();
}

static byte[] Frame(byte[] payload)
{
    var head = payload.Length < 126 ? new byte[] { 0x81, (byte)payload.Length }
        : new byte[] { 0x81, 126, (byte)(payload.Length >> 8), (byte)payload.Length };
    return head.Concat(payload).ToArray();
}

string pad = new('x', Math.Max(0, size - 110));
var sw = Stopwatch.StartNew();
long sent = 0, seq = 0;
var batch = new MemoryStream();
while (true)
{
    await Task.Delay(2);
    long due = (long)(sw.Elapsed.TotalSeconds * rate);
    if (due <= sent) continue;
    batch.SetLength(0);
    long now = Stopwatch.GetTimestamp();
    for (; sent < due; sent++)
    {
        seq++;
        var post = Encoding.UTF8.GetBytes(
            $"{{\"type\":\"broadcast\",\"id\":\"{seq:X16}\",\"from\":\"0000000000000001\",\"data\":{{\"type\":\"post\",\"nick\":\"source\",\"text\":\"{pad}\",\"parent\":null,\"load\":{{\"s\":1000000,\"n\":{seq},\"t\":{now}}}}},\"timestamp\":0}}");
        var f = Frame(post);
        batch.Write(f);
    }
    var bytes = batch.ToArray();
    Socket[] targets;
    lock (clients) targets = clients.ToArray();
    foreach (var c in targets)
    {
        try { c.Send(bytes); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }
}
#pragma warning disable CS0162
return 0;
partial class Program
{
    private static long nextId;
}
