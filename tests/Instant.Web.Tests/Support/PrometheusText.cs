using System.Globalization;
using System.Text.RegularExpressions;

namespace Instant.Web.Tests.Support;

/// <summary>Reads what <c>/metrics</c> serves (Prometheus text); shared with the load-tool specs.</summary>
public static class PrometheusText
{
    /// <summary>The sum of the samples of <paramref name="name"/> (labels containing <paramref name="label"/>, if given); 0 when absent.</summary>
    public static double Sum(string text, string name, string? label = null)
    {
        double sum = 0;
        foreach (Match m in Regex.Matches(text, "^" + Regex.Escape(name) + "(\\{(?<labels>[^}]*)\\})? (?<value>\\S+)", RegexOptions.Multiline))
        {
            if (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                sum += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
