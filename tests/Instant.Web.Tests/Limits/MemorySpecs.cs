using System.Text;
using Instant.Web.Sockets;
using Instant.Web.Tests.Support;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Instant.Web.Tests.Limits;

/// <summary>Memory a hostile or careless client can make the server hold, and whether it comes back.</summary>
public sealed class MemorySpecs
{
    // The lean path only: there the socket's buffers come from the server's own pool, which
    // this measures; the pipeline path runs the same writer over a stream with its own buffers.
    [Fact]
    public async Task A_large_broadcast_to_readers_that_do_not_read_is_not_copied_whole_into_each_socket_buffer()
    {
        await using var server = await InstantTestServer.StartAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var sender = await server.JoinAsync("big", cancellation: deadline.Token);
        const int readers = 16;
        var stalled = new List<RawWebSocket>();
        try
        {
            for (int i = 0; i < readers; i++)
            {
                // Default socket buffers: a tiny receive window that is read late can leave
                // loopback TCP waiting on its persist timer for minutes.
                stalled.Add(await RawWebSocket.ConnectAsync(server.Port, "/room/big/ws", cancellation: deadline.Token));
                await sender.NextAsync("joined", deadline.Token);
            }

            // The pool never gives memory back, so what it has made is the high-water mark of
            // every socket's pending output together.
            var pool = (SmallBlockMemoryPoolFactory)server.Server.Services.GetRequiredService<IMemoryPoolFactory<byte>>();
            long before = pool.AllocatedBytes;
            string text = new('b', 3 * 1024 * 1024);
            await sender.SendAsync("{\"type\":\"broadcast\",\"seq\":1,\"data\":\"" + text + "\"}", deadline.Token);
            Assert.Equal(text.Length, (await sender.NextAsync("broadcast", deadline.Token)).Data.GetString()!.Length);

            // Every reader then gets the whole broadcast (after its identity and joined frames).
            foreach (var reader in stalled)
            {
                while (true)
                {
                    var frame = await reader.ReadFrameAsync(deadline.Token);
                    Assert.NotNull(frame);
                    if (frame.Value.Payload.Length > text.Length)
                    {
                        Assert.Contains(text, Encoding.UTF8.GetString(frame.Value.Payload), StringComparison.Ordinal);
                        break;
                    }
                }
            }

            long grown = pool.AllocatedBytes - before;
            // One copy per reader would be 48 MB; a bounded chunk in flight per socket is well under 8 MB.
            Assert.True(grown < 8 * 1024 * 1024, $"the socket buffers grew by {grown / 1024} KB for {readers} readers of a 3 MB broadcast");
        }
        finally
        {
            foreach (var reader in stalled)
            {
                reader.Dispose();
            }
        }
    }
}
