namespace Instant.Web.Tests.Sockets;

/// <summary>How long a property-based test runs: a fixed number of cases, or for <c>CsCheck_Time</c> seconds when set.</summary>
internal static class Fuzz
{
    /// <summary>
    /// <paramref name="cases"/> in the test run, which must finish in seconds on a loaded
    /// machine; -1 (CsCheck's own default, which reads <c>CsCheck_Time</c>) for bench/fuzz.sh.
    /// </summary>
    public static long Iterations(long cases)
        => Environment.GetEnvironmentVariable("CsCheck_Time") is { Length: > 0 } ? -1 : cases;
}
