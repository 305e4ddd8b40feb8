using System.Globalization;
using System.Text;

namespace Scribe.Actors.Logging;

/// <summary>
/// One record of the machine-readable logfile: <c>[YYYY-MM-DD HH:MM:SS] TAG key=value ...</c>,
/// UTC, pure ASCII. Values are formatted by <see cref="PyRepr"/>.
/// </summary>
public sealed record LogLine(DateTimeOffset Time, string Tag, IReadOnlyList<KeyValuePair<string, object?>> Values)
{
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss";

    public string Format()
    {
        var builder = new StringBuilder(64);
        builder.Append('[').Append(Time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)).Append("] ").Append(Tag);
        foreach (var (key, value) in Values)
        {
            builder.Append(' ').Append(key).Append('=');
            PyRepr.Append(builder, value);
        }

        return builder.ToString();
    }

    /// <summary>The value of a key, or null when absent.</summary>
    public object? this[string key] => Values.FirstOrDefault(p => p.Key == key).Value;

    public bool Has(string key) => Values.Any(p => p.Key == key);
}
