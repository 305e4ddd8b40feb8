namespace Instant.Web.Sockets;

/// <summary>
/// <c>instant.ws.allowedOrigins</c>: the pages whose scripts may open a WebSocket here. A
/// browser sends the page's origin with every upgrade and also sends the <c>uid</c> cookie,
/// whatever site the page is on; without a list, a page elsewhere can speak in a room as its
/// visitor (cross-site WebSocket hijacking). An empty list allows any origin, as the original
/// did. Upgrades without an Origin header come from programs, not from a page, and are allowed.
/// </summary>
public sealed class AllowedOrigins
{
    private readonly HashSet<string> _origins;

    public AllowedOrigins(IEnumerable<string> origins)
        => _origins = new HashSet<string>(origins.Select(Normalize).Where(o => o.Length > 0), StringComparer.OrdinalIgnoreCase);

    /// <summary>Any origin is allowed.</summary>
    public static AllowedOrigins Any { get; } = new([]);

    public bool AllowsAny => _origins.Count == 0;

    /// <summary>Parses the comma (or space) separated setting.</summary>
    public static AllowedOrigins Parse(string? setting)
        => new((setting ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Whether an upgrade with this Origin header (null when absent) may proceed.</summary>
    public bool Allows(string? origin) => AllowsAny || string.IsNullOrEmpty(origin) || _origins.Contains(Normalize(origin));

    // Scheme and host are case-insensitive; a trailing slash is not part of an origin.
    private static string Normalize(string origin) => origin.Trim().TrimEnd('/');
}
