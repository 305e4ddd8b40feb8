using System.Security.Cryptography;

namespace Instant.Actors.Identity;

/// <summary>
/// Derives version-1-style UUIDs from ids: the id's time as the UUID timestamp (100 ns since
/// 1582-10-15) and a random node chosen once per process, with the multicast bit set.
/// </summary>
public sealed class UuidFactory
{
    // 100-ns intervals between the Gregorian epoch of UUIDs and the UNIX epoch.
    private const long GregorianOffset = 0x01B21DD213814000;
    private readonly byte[] _node;

    public UuidFactory(byte[]? node = null)
    {
        _node = node ?? RandomNumberGenerator.GetBytes(6);
        if (_node.Length != 6)
        {
            throw new ArgumentException("A UUID node is 6 bytes.", nameof(node));
        }

        _node[0] |= 0x01;
    }

    public string FromId(long id)
    {
        long t = ((id >> 10) * 10000) + GregorianOffset + ((id & 0x3FF) * 10000 / 1024);
        uint timeLow = (uint)(t & 0xFFFFFFFF);
        ushort timeMid = (ushort)((t >> 32) & 0xFFFF);
        ushort timeHi = (ushort)(((t >> 48) & 0x0FFF) | 0x1000);
        ushort clockSeq = (ushort)(((t >> 60) & 0x3FFF) | 0x8000);
        return string.Create(36, (timeLow, timeMid, timeHi, clockSeq, _node), static (span, s) =>
        {
            s.timeLow.TryFormat(span[..8], out _, "x8");
            span[8] = '-';
            s.timeMid.TryFormat(span[9..13], out _, "x4");
            span[13] = '-';
            s.timeHi.TryFormat(span[14..18], out _, "x4");
            span[18] = '-';
            s.clockSeq.TryFormat(span[19..23], out _, "x4");
            span[23] = '-';
            for (int i = 0; i < 6; i++)
            {
                s._node[i].TryFormat(span[(24 + (2 * i))..], out _, "x2");
            }
        });
    }

    /// <summary>True for a textual UUID in the canonical 8-4-4-4-12 form.</summary>
    public static bool IsValid(string? text) => text is { Length: 36 } && Guid.TryParseExact(text, "D", out _);
}
