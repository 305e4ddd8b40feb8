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

    [Fact]
    public async Task Unfinished_messages_share_one_input_budget_the_one_that_would_exceed_it_is_closed_with_1013_and_it_all_comes_back()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.inputBudget=65536");
        var budget = server.Server.Services.GetRequiredService<InputBudget>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var first = await RawWebSocket.ConnectAsync(server.Port, "/room/budget/ws", cancellation: deadline.Token);
        using var second = await RawWebSocket.ConnectAsync(server.Port, "/room/budget/ws", cancellation: deadline.Token, via: ClientPath.Pipeline);

        // The first holds 30 KB of a message (in 16 KB segments); a ping behind it proves the server read them.
        string head = """{"type":"broadcast","seq":1,"data":" """.TrimEnd();
        byte[] firstPart = Encoding.UTF8.GetBytes(head + new string('a', 30 * 1024 - head.Length));
        await first.SendRawAsync([.. RawWebSocket.BuildFrame(0x1, firstPart, fin: false), .. RawWebSocket.BuildFrame(0x9, "1"u8)], deadline.Token);
        await ReadUntilPongAsync(first, deadline.Token);
        Assert.Equal(32 * 1024, budget.Used);

        // The second would need 48 KB more than the 32 KB left: it is closed, and its share returned.
        await second.SendRawAsync(RawWebSocket.BuildFrame(0x1, new byte[50 * 1024], fin: false), deadline.Token);
        var (code, _) = await second.ReadUntilCloseAsync(deadline.Token);
        Assert.Equal((ushort)1013, code);
        await Eventually.SucceedsAsync(_ =>
        {
            Assert.Equal(32 * 1024, budget.Used);
            return Task.CompletedTask;
        });

        // The first finishes its message, which is relayed; then it holds nothing.
        await first.SendRawAsync(RawWebSocket.BuildFrame(0x0, Encoding.UTF8.GetBytes(new string('a', 10 * 1024) + "\"}"), fin: true), deadline.Token);
        while (true)
        {
            var frame = await first.ReadFrameAsync(deadline.Token);
            Assert.NotNull(frame);
            if (frame.Value.Opcode == 0x1 && Encoding.UTF8.GetString(frame.Value.Payload) is var text && text.StartsWith("{\"type\":\"broadcast\"", StringComparison.Ordinal))
            {
                Assert.Contains(new string('a', 40 * 1024 - head.Length), text, StringComparison.Ordinal);
                break;
            }
        }

        Assert.Equal(0, budget.Used);

        // A client that leaves in the middle of a message gives its share back too.
        using (var leaver = await RawWebSocket.ConnectAsync(server.Port, "/room/budget/ws", cancellation: deadline.Token))
        {
            await leaver.SendRawAsync([.. RawWebSocket.BuildFrame(0x1, new byte[20 * 1024], fin: false), .. RawWebSocket.BuildFrame(0x9, "2"u8)], deadline.Token);
            await ReadUntilPongAsync(leaver, deadline.Token);
            Assert.Equal(20 * 1024, budget.Used); // 16 KB, then 4 KB for the rest the frame promised
        }

        await Eventually.SucceedsAsync(_ =>
        {
            Assert.Equal(0, budget.Used);
            return Task.CompletedTask;
        });
    }

    private static async Task ReadUntilPongAsync(RawWebSocket socket, CancellationToken cancellation)
    {
        while (true)
        {
            var frame = await socket.ReadFrameAsync(cancellation);
            Assert.NotNull(frame);
            if (frame.Value.Opcode == 0xA)
            {
                return;
            }
        }
    }
}
