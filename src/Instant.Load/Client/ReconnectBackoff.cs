namespace Instant.Load.Client;

/// <summary>
/// When and where a client whose connection was lost tries again (--reconnect), like a browser
/// client: a pause before each attempt that starts at 0.1-0.5 s and doubles per failed attempt
/// up to 1-5 s, each drawn at random within its range so the lost clients do not all come back
/// in the same instant; and the next node in the --server list first, so the lost one is tried last.
/// </summary>
internal static class ReconnectBackoff
{
    public const double FirstSeconds = 0.5, CapSeconds = 5, LowestShare = 0.2;

    /// <summary>The pause before attempt <paramref name="attempt"/> (0 = the first); <paramref name="random"/> in [0, 1).</summary>
    public static TimeSpan Delay(int attempt, double random)
    {
        double ceiling = Math.Min(CapSeconds, FirstSeconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromSeconds(ceiling * (LowestShare + (1 - LowestShare) * random));
    }

    /// <summary>
    /// How many places after the lost node the first attempt goes. Normally 1, the next node; with
    /// --reconnect-spread, the lost node's clients (client i of node i mod n) take the other nodes in turn.
    /// </summary>
    public static int FirstStep(int client, int nodes, bool spread) =>
        nodes <= 1 ? 0 : spread ? 1 + client / nodes % (nodes - 1) : 1;
}
