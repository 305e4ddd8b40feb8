using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace Instant.Web.Sockets;

/// <summary>
/// The buffers under Kestrel's connection pipes, in blocks of <see cref="BlockSize"/> bytes
/// rather than Kestrel's 4 KB. A chat connection's pending output is a few frames of a hundred
/// bytes or so, yet it holds a whole block until the socket has taken it; in a join storm
/// thousands of connections do so at once, and the pool keeps every block it ever made
/// (docs/PERFORMANCE.md, Memory per connection). Blocks are carved from pinned slabs, so the
/// socket layer need not pin them per operation, and are reused, never freed, like Kestrel's.
/// </summary>
public sealed class SmallBlockMemoryPool(int blockSize = SmallBlockMemoryPool.DefaultBlockSize) : MemoryPool<byte>
{
    public const int DefaultBlockSize = 1024;
    private const int SlabBytes = 128 * 1024;

    private readonly ConcurrentQueue<Block> _free = new();
    private long _allocatedBytes;
    private volatile bool _disposed;

    public int BlockSize => blockSize;

    /// <summary>Bytes of slabs made so far: what the pool holds, used or free, for good.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    public override int MaxBufferSize => blockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, blockSize);
        return _free.TryDequeue(out var block) ? block : NewSlab();
    }

    protected override void Dispose(bool disposing) => _disposed = true;

    private Block NewSlab()
    {
        var slab = GC.AllocateUninitializedArray<byte>(Math.Max(SlabBytes, blockSize), pinned: true);
        Interlocked.Add(ref _allocatedBytes, slab.Length);
        for (int offset = blockSize; offset + blockSize <= slab.Length; offset += blockSize)
        {
            _free.Enqueue(new Block(this, slab, offset));
        }

        return new Block(this, slab, 0);
    }

    private void Return(Block block)
    {
        if (!_disposed)
        {
            _free.Enqueue(block);
        }
    }

    private sealed class Block(SmallBlockMemoryPool pool, byte[] slab, int offset) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = MemoryMarshal.CreateFromPinnedArray(slab, offset, pool.BlockSize);

        public void Dispose() => pool.Return(this);
    }
}

/// <summary>Gives Kestrel and its socket transport <see cref="SmallBlockMemoryPool"/>s.</summary>
public sealed class SmallBlockMemoryPoolFactory(int blockSize = SmallBlockMemoryPool.DefaultBlockSize) : IMemoryPoolFactory<byte>
{
    private readonly ConcurrentBag<SmallBlockMemoryPool> _pools = [];

    /// <summary>Bytes held by every pool this factory made (see <see cref="SmallBlockMemoryPool.AllocatedBytes"/>).</summary>
    public long AllocatedBytes => _pools.Sum(p => p.AllocatedBytes);

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new SmallBlockMemoryPool(blockSize);
        _pools.Add(pool);
        return pool;
    }
}
