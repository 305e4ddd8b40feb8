namespace Instant.Actors.Cluster;

/// <summary>
/// Where this node's Akka.Remote listens and which seed nodes it joins: the server's
/// <c>instant.cluster.*</c> keys (docs/SERVER.md). No seeds means a single process.
/// </summary>
public sealed record InstantClusterSettings(string Name, string Host, int Port, IReadOnlyList<string> Seeds)
{
    /// <summary>The actor system's name when none is configured.</summary>
    public const string DefaultName = "instant";

    /// <summary>The host other nodes use to reach this one, if not <see cref="Host"/> (e.g. behind NAT).</summary>
    public string? PublicHost { get; init; }

    /// <summary>The seeds as Akka addresses of this cluster's actor system.</summary>
    public IEnumerable<string> SeedAddresses() => Seeds.Select(seed => $"akka.tcp://{Name}@{seed}");

    /// <summary>
    /// Parses <c>instant.cluster.seeds</c>: comma-separated <c>HOST:PORT</c> (an IPv6 host in
    /// brackets). Null or blank means no cluster.
    /// </summary>
    public static IReadOnlyList<string> ParseSeeds(string? seeds)
    {
        if (string.IsNullOrWhiteSpace(seeds))
        {
            return [];
        }

        var list = new List<string>();
        foreach (var raw in seeds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = raw.LastIndexOf(':');
            if (colon <= 0 || colon == raw.Length - 1 || !int.TryParse(raw[(colon + 1)..], out int port) || port is < 1 or > 65535
                || (raw.Contains(':', StringComparison.Ordinal) && raw.IndexOf(':') != colon && !raw.StartsWith('[')))
            {
                throw new FormatException($"instant.cluster.seeds: '{raw}' is not HOST:PORT");
            }

            list.Add(raw);
        }

        return list;
    }
}
