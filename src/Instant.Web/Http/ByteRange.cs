using System.Globalization;

namespace Instant.Web.Http;

/// <summary>
/// One <c>Range: bytes=…</c> request (RFC 9110 14.2) resolved against a length. Several ranges
/// or a malformed header are ignored (the whole file is sent), as the RFC allows.
/// </summary>
public readonly record struct ByteRange(long Start, long Count)
{
    /// <summary>The range a header asks for; null to send the whole file; <see cref="Unsatisfiable"/> for 416.</summary>
    public static ByteRange? Parse(string? header, long length)
    {
        if (header is null || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string spec = header["bytes=".Length..].Trim();
        int dash = spec.IndexOf('-');
        if (dash < 0 || spec.Contains(','))
        {
            return null;
        }

        string first = spec[..dash].Trim();
        string last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            // A suffix: the last N bytes.
            if (!TryNumber(last, out long suffix))
            {
                return null;
            }

            return suffix == 0 ? Unsatisfiable : new ByteRange(Math.Max(0, length - suffix), Math.Min(suffix, length));
        }

        if (!TryNumber(first, out long start))
        {
            return null;
        }

        long end = length - 1;
        if (last.Length > 0)
        {
            if (!TryNumber(last, out end) || end < start)
            {
                return null;
            }

            end = Math.Min(end, length - 1);
        }

        return start >= length ? Unsatisfiable : new ByteRange(start, end - start + 1);
    }

    /// <summary>A range that lies past the end of the file.</summary>
    public static ByteRange Unsatisfiable { get; } = new(-1, 0);

    public bool IsSatisfiable => Start >= 0;

    private static bool TryNumber(string text, out long value)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
