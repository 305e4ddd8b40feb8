using System.Net.WebSockets;
using System.Text.Json;
using Instant.Web.Tests.Support;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>
/// A room participant as the Instant client is one: it keeps every post it receives and
/// answers <c>log-query</c> with <c>log-info</c> and <c>log-request</c> with <c>log</c> (everything
/// it holds), so a Scribe can fill its gap from it. It reads in the background from the moment
/// it joins; <see cref="PostAsync"/> sends a post.
/// </summary>
public sealed class LogPeer : IAsyncDisposable
{
    private readonly TestSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly SortedDictionary<string, ReceivedPost> _posts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private int _sent;

    private LogPeer(TestSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    public string Id => _socket.ParticipantId;

    /// <summary>True once the connection has ended (its node died, say).</summary>
    public bool Closed { get; private set; }

    /// <summary>How many log-requests it has answered.</summary>
    public int LogRequestsAnswered { get; private set; }

    public static async Task<LogPeer> JoinAsync(ClusterNode node, string room, CancellationToken cancellation)
        => new(await node.JoinAsync(room, cancellation));

    /// <summary>The ids of the posts it has received, ascending.</summary>
    public IReadOnlyList<string> ReceivedIds()
    {
        lock (_posts)
        {
            return _posts.Keys.ToList();
        }
    }

    public async Task PostAsync(CancellationToken cancellation)
    {
        int n = Interlocked.Increment(ref _sent);
        await SendAsync(new { type = "broadcast", data = new { type = "post", nick = "peer", text = $"{Id} #{n}", parent = (string?)null } }, cancellation);
    }

    /// <summary>A ping, so the connection carries a frame now and then while nobody posts.</summary>
    public Task PingAsync(CancellationToken cancellation) => SendAsync(new { type = "ping", seq = "keep" }, cancellation);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException or ObjectDisposedException)
        {
        }

        await _socket.DisposeAsync();
        _stop.Dispose();
        _sending.Dispose();
    }

    private async Task SendAsync(object frame, CancellationToken cancellation)
    {
        await _sending.WaitAsync(cancellation);
        try
        {
            await _socket.SendJsonAsync(frame, cancellation);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var (frame, _) = await _socket.ReceiveOrCloseAsync(_stop.Token);
                if (frame is null)
                {
                    break;
                }

                await OnFrameAsync(frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException)
        {
        }
        finally
        {
            Closed = true;
        }
    }

    private async Task OnFrameAsync(Frame frame)
    {
        if (frame.Type is not ("broadcast" or "unicast") || frame.Data.ValueKind != JsonValueKind.Object
            || !frame.Data.TryGetProperty("type", out var typeElement))
        {
            return;
        }

        switch (typeElement.GetString())
        {
            case "post" when frame.Id is { } id:
                lock (_posts)
                {
                    _posts[id] = new ReceivedPost(id, Text(frame.Data, "parent"), frame.From, Text(frame.Data, "nick"), Text(frame.Data, "text"));
                }

                break;
            case "log-query" when frame.From is { } asker && asker != Id:
                ReceivedPost[] held = Snapshot();
                if (held.Length > 0)
                {
                    await SendAsync(new { type = "unicast", to = asker, data = new { type = "log-info", from = held[0].Id, to = held[^1].Id, length = held.Length } }, _stop.Token);
                }

                break;
            case "log-request" when frame.From is { } requester && requester != Id:
                LogRequestsAnswered++;
                await SendAsync(new { type = "unicast", to = requester, data = new { type = "log", data = Snapshot().Select(p => new { id = p.Id, parent = p.Parent, from = p.From, nick = p.Nick, text = p.Text }) } }, _stop.Token);
                break;
        }
    }

    private ReceivedPost[] Snapshot()
    {
        lock (_posts)
        {
            return _posts.Values.ToArray();
        }
    }

    private static string? Text(JsonElement data, string name)
        => data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record ReceivedPost(string Id, string? Parent, string? From, string? Nick, string? Text);
}
