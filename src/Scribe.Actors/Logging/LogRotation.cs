using System.Globalization;

namespace Scribe.Actors.Logging;

/// <summary>How rotated-out logfiles are compressed.</summary>
public enum LogCompression
{
    None,
    Gzip,
    Bzip2,

    /// <summary>Suffix <c>.lzma</c>, but the xz container, as Python's lzma module writes it.</summary>
    Lzma,
}

/// <summary>
/// A rotation pattern <c>PERIOD[:COMPRESSION]</c> (<c>--logrotate</c>, <c>--read-rotate</c>):
/// period X (never), Y, M, D or H; compression none, gz/gzip, bz2/bzip2 or lzma.
/// </summary>
public sealed record LogRotation(char Period, LogCompression Compression)
{
    public static readonly LogRotation Never = new('X', LogCompression.None);

    public bool Rotates => Period != 'X';

    /// <summary>The file suffix of the compression (".gz"...), empty for none.</summary>
    public string CompressionSuffix => Compression switch
    {
        LogCompression.Gzip => ".gz",
        LogCompression.Bzip2 => ".bz2",
        LogCompression.Lzma => ".lzma",
        _ => string.Empty,
    };

    /// <summary>Parses a pattern; throws <see cref="FormatException"/> with a clear message.</summary>
    public static LogRotation Parse(string pattern)
    {
        string[] parts = pattern.Split(':', 2);
        string period = parts[0].Trim();
        char p = period.Length == 0 ? 'X' : period.Length == 1 ? char.ToUpperInvariant(period[0]) : '?';
        if (p is not ('X' or 'Y' or 'M' or 'D' or 'H'))
        {
            throw new FormatException($"bad rotation period '{parts[0]}' (use X, Y, M, D or H)");
        }

        var compression = (parts.Length > 1 ? parts[1].Trim().ToLowerInvariant() : "none") switch
        {
            "" or "none" => LogCompression.None,
            "gz" or "gzip" => LogCompression.Gzip,
            "bz2" or "bzip2" => LogCompression.Bzip2,
            "lzma" or "xz" => LogCompression.Lzma,
            var other => throw new FormatException($"bad compression '{other}' (use none, gz, bz2 or lzma)"),
        };
        return new LogRotation(p, compression);
    }

    /// <summary>The start of the period that contains <paramref name="time"/> (UTC).</summary>
    public DateTime PeriodStart(DateTime time) => Period switch
    {
        'Y' => new DateTime(time.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        'M' => new DateTime(time.Year, time.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        'D' => new DateTime(time.Year, time.Month, time.Day, 0, 0, 0, DateTimeKind.Utc),
        'H' => new DateTime(time.Year, time.Month, time.Day, time.Hour, 0, 0, DateTimeKind.Utc),
        _ => DateTime.MinValue,
    };

    /// <summary>The end (exclusive) of the period that starts at <paramref name="start"/>.</summary>
    public DateTime PeriodEnd(DateTime start) => Period switch
    {
        'Y' => start.AddYears(1),
        'M' => start.AddMonths(1),
        'D' => start.AddDays(1),
        'H' => start.AddHours(1),
        _ => DateTime.MaxValue,
    };

    /// <summary>The period suffix: 2024, 2024-05, 2024-05-07 or 2024-05-07-13.</summary>
    public string PeriodSuffix(DateTime start) => Period switch
    {
        'Y' => start.ToString("yyyy", CultureInfo.InvariantCulture),
        'M' => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        'D' => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        'H' => start.ToString("yyyy-MM-dd-HH", CultureInfo.InvariantCulture),
        _ => string.Empty,
    };

    /// <summary>
    /// The name a logfile gets when the period starting at <paramref name="start"/> is rotated
    /// out, before compression: <c>scribe.log</c> → <c>scribe.2024-05-07.log</c>.
    /// </summary>
    public string RotatedName(string path, DateTime start)
    {
        var (root, extension) = SplitExtension(path);
        return $"{root}.{PeriodSuffix(start)}{extension}";
    }

    /// <summary>
    /// The rotated predecessors of <paramref name="path"/> in its directory, oldest first:
    /// <c>root.[0-9-]+ext</c>, plus the compression suffix (only compressed ones when a
    /// compression is configured).
    /// </summary>
    public IReadOnlyList<string> FindRotated(string path)
    {
        var (root, extension) = SplitExtension(Path.GetFullPath(path));
        string directory = Path.GetDirectoryName(root)!;
        string prefix = Path.GetFileName(root) + ".";
        string suffix = extension + CompressionSuffix;
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name.Length > prefix.Length + suffix.Length && name.StartsWith(prefix, StringComparison.Ordinal)
                && name.EndsWith(suffix, StringComparison.Ordinal)
                && name[prefix.Length..^suffix.Length].All(c => char.IsAsciiDigit(c) || c == '-'))
            .Order(StringComparer.Ordinal)
            .Select(name => Path.Combine(directory, name))
            .ToList();
    }

    /// <summary>Python's os.path.splitext: the extension is the last dot of the file name, unless the name starts with it.</summary>
    public static (string Root, string Extension) SplitExtension(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf(Path.DirectorySeparatorChar));
        int dot = path.LastIndexOf('.');
        if (dot <= slash + 1)
        {
            return (path, string.Empty);
        }

        // Leading dots of the name do not start an extension (".bashrc").
        for (int i = slash + 1; i < dot; i++)
        {
            if (path[i] != '.')
            {
                return (path[..dot], path[dot..]);
            }
        }

        return (path, string.Empty);
    }
}
