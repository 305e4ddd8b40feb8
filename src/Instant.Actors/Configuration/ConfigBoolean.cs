namespace Instant.Actors.Configuration;

/// <summary>
/// The one reading of a yes/no setting in every tool (<c>instant</c> and <c>scribe</c> through
/// this assembly, <c>instant-run</c> compiles this file in): <c>true</c>, <c>1</c>, <c>y</c>, <c>yes</c>, <c>on</c>
/// and <c>false</c>, <c>0</c>, <c>n</c>, <c>no</c>, <c>off</c>, in any case. Anything else is an
/// error, never a silent "no".
/// </summary>
public static class ConfigBoolean
{
    public static bool TryParse(string? text, out bool value)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "y" or "yes" or "on":
                value = true;
                return true;
            case "false" or "0" or "n" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>The value of setting <paramref name="name"/>; a word that is neither yes nor no is a <see cref="FormatException"/>.</summary>
    public static bool Parse(string name, string text)
        => TryParse(text, out bool value)
            ? value
            : throw new FormatException($"{name}: '{text}' is not a yes/no value (true, 1, y, yes, on or false, 0, n, no, off)");
}
