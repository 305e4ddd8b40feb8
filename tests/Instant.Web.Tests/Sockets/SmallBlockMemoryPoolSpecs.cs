using System.Runtime.InteropServices;
using Instant.Web.Sockets;
using Xunit;

namespace Instant.Web.Tests.Sockets;

public sealed class SmallBlockMemoryPoolSpecs
{
    [Fact]
    public void Blocks_have_the_block_size_and_never_overlap()
    {
        using var pool = new SmallBlockMemoryPool(1024);
        Assert.Equal(1024, pool.MaxBufferSize);
        // More than one slab's worth, so blocks of several slabs are compared.
        var blocks = Enumerable.Range(0, 300).Select(_ => pool.Rent()).ToList();
        var ranges = blocks.Select(b =>
        {
            Assert.Equal(1024, b.Memory.Length);
            Assert.True(MemoryMarshal.TryGetArray<byte>(b.Memory, out var segment));
            return (segment.Array!, segment.Offset);
        }).ToList();
        Assert.Equal(ranges.Count, ranges.Distinct().Count());
        foreach (var block in blocks)
        {
            block.Dispose();
        }
    }

    [Fact]
    public void A_returned_block_is_rented_again_rather_than_a_new_one_made()
    {
        using var pool = new SmallBlockMemoryPool(1024);
        var first = pool.Rent();
        first.Memory.Span.Fill(7);
        var held = Enumerable.Range(0, 200).Select(_ => pool.Rent()).ToList();
        first.Dispose();
        var rented = Enumerable.Range(0, 200).Select(_ => pool.Rent()).ToList();
        Assert.Contains(rented, b => b.Memory.Span.IndexOfAnyExcept((byte)7) < 0);
    }

    [Fact]
    public void Asking_for_more_than_a_block_is_refused_and_blocks_may_come_back_after_disposal()
    {
        var pool = new SmallBlockMemoryPool(512);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(513));
        var block = pool.Rent(512);
        pool.Dispose();
        block.Dispose(); // a connection closing after shutdown
    }
}
