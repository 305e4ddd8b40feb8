namespace Instant.Browser.Tests;

/// <summary>
/// An independent C# port of the nick hue, as CLIENT.md documents it: IEEE double arithmetic in
/// the same order with a truncating remainder, so the page's colours can be checked from outside.
/// </summary>
public static class NickHue
{
    public static double Of(string nick)
    {
        var normalized = string.Concat(nick.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        double h = 0;
        for (int i = 0; i < normalized.Length; i++)
        {
            h += normalized[i] * 359.0 + i * 271.0 + 89.0;
            h = h * h * h % 360.0;
        }

        return h;
    }

    /// <summary>CSS rgb() of hsl(h, s%, l%), as a browser computes it.</summary>
    public static (int R, int G, int B) Rgb(double hue, double saturation, double lightness)
    {
        double s = saturation / 100, l = lightness / 100;
        double Channel(double n)
        {
            double k = (n + hue / 30) % 12;
            double a = s * Math.Min(l, 1 - l);
            return l - a * Math.Max(-1, Math.Min(Math.Min(k - 3, 9 - k), 1));
        }

        return ((int)Math.Round(Channel(0) * 255), (int)Math.Round(Channel(8) * 255), (int)Math.Round(Channel(4) * 255));
    }
}
