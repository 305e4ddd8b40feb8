namespace Instant.Web.Sockets;

/// <summary>
/// The bytes all connections together may hold of client messages that have not arrived
/// whole yet (<c>instant.ws.inputBudget</c>). Each connection may buffer up to
/// <c>instant.ws.maxFrameSize</c> of a message it never finishes; without a shared cap a few
/// hundred such connections would hold gigabytes.
/// </summary>
public sealed class InputBudget(long limit)
{
    private long _used;

    public long Limit => limit;

    /// <summary>Bytes reserved at the moment.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Reserves <paramref name="bytes"/>; false (and nothing reserved) when the budget would be exceeded.</summary>
    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _used, bytes) <= limit)
        {
            return true;
        }

        Interlocked.Add(ref _used, -bytes);
        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
