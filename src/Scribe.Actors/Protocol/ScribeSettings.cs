namespace Scribe.Actors.Protocol;

/// <summary>What a Scribe does, from its command line (or an embedding host's configuration).</summary>
public sealed record ScribeSettings
{
    /// <summary>The nick announced; null (<c>--no-nick</c>) never sends one; empty is invisible but counted.</summary>
    public string? Nick { get; init; } = "Scribe";

    /// <summary><c>--maxlen</c>: caps every log reply (and the in-memory store); null for no cap.</summary>
    public int? MaxLength { get; init; }

    /// <summary><c>--push-logs</c>: participants to send the whole store to after the first identity.</summary>
    public IReadOnlyList<string> PushLogs { get; init; } = [];

    /// <summary><c>--dont-stay</c>: leave once pulling has found nothing new.</summary>
    public bool DontStay { get; init; }

    /// <summary><c>--dont-pull</c>: never ask peers for logs.</summary>
    public bool DontPull { get; init; }

    /// <summary><c>--ping-delay</c>: seconds between keep-alive pings.</summary>
    public TimeSpan PingDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long log-info answers are collected, and how long a chosen peer is left to be outbid.</summary>
    public TimeSpan SelectWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Posts from peers with longer texts (or nicks) are skipped as bad input.</summary>
    public int MaxTextLength { get; init; } = 65536;

    /// <summary>
    /// The most posts one log reply carries (fewer with <see cref="MaxLength"/>): what a request
    /// makes Scribe read from its store is bounded before reading, whatever it asks for.
    /// </summary>
    public int MaxReplyPosts { get; init; } = 5000;

    /// <summary>A log reply is cut (oldest posts first) to stay under this many bytes of JSON.</summary>
    public int MaxReplyBytes { get; init; } = 1024 * 1024;

    /// <summary>Written in <c>SCRIBE version=</c>.</summary>
    public string Version { get; init; } = typeof(ScribeSettings).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
