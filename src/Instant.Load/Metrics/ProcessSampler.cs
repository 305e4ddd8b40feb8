using System.Globalization;

namespace Instant.Load.Metrics;

/// <summary>One reading of a process's CPU time and resident memory from /proc (Linux).</summary>
internal readonly record struct ProcessReading(double CpuSeconds, long RssBytes);

internal static class ProcessSampler
{
    private const double ClockTicks = 100; // USER_HZ on Linux

    public static ProcessReading? Read(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces; the fields we want follow its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicks;
            long rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                break;
            }
            return new ProcessReading(cpu, rss);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
