namespace Instant.Load.Cli;

/// <summary>The scenarios the tool can run; each is a subcommand.</summary>
internal enum ScenarioKind
{
    Idle,
    Chat,
    Fanout,
    JoinStorm,
    Churn,
    History,
}

/// <summary>Everything one run needs, parsed from the command line. Immutable.</summary>
internal sealed record LoadOptions
{
    public required ScenarioKind Scenario { get; init; }
    /// <summary>
    /// Server base addresses (nodes), ws:// or wss:// (http(s):// is accepted and mapped).
    /// Client i connects to node i mod the count.
    /// </summary>
    public required IReadOnlyList<Uri> Servers { get; init; }
    public int Clients { get; init; } = 10;
    public int Rooms { get; init; } = 1;
    public string RoomPrefix { get; init; } = "load";
    public double RampUpSeconds { get; init; }
    public double DurationSeconds { get; init; } = 10;
    public int MessageSize { get; init; } = 100;
    /// <summary>Posts per second, summed over all senders (open loop). 0 = closed loop.</summary>
    public double Rate { get; init; }
    /// <summary>Total posts to send (closed loop). 0 = send for the duration.</summary>
    public int Posts { get; init; }
    public int InFlight { get; init; } = 16;
    /// <summary>Senders per room (fanout); chat makes every client a sender.</summary>
    public int Senders { get; init; } = 1;
    public double ReplyRatio { get; init; } = 0.5;
    public bool Browser { get; init; }
    public int BrowserLog { get; init; } = 100;
    public double LifetimeSeconds { get; init; } = 5;
    public int Seeders { get; init; } = 1;
    public bool SeedersServe { get; init; } = true;
    public double LogWaitSeconds { get; init; } = 1;
    public int ConnectConcurrency { get; init; } = 256;
    public double ConnectTimeoutSeconds { get; init; } = 30;
    public double PingIntervalSeconds { get; init; } = 30;
    public double DrainSeconds { get; init; } = 10;
    /// <summary>A client whose connection the server closes or resets connects again (to the next node).</summary>
    public bool Reconnect { get; init; }
    /// <summary>Reconnecting clients of one lost node start at different next nodes instead of all at the next one.</summary>
    public bool ReconnectSpread { get; init; }
    public int SourceAddresses { get; init; }
    public int Workers { get; init; }
    public int? ServerPid { get; init; }
    public string? OutputDirectory { get; init; }
    public string? Label { get; init; }
    public bool Plain { get; init; }
    public bool Quiet { get; init; }
    public int WorkerIndex { get; init; } = -1;
    public int WorkerCount { get; init; } = 1;

    public bool IsWorker => WorkerIndex >= 0;

    /// <summary>The node a client (by global index) connects to first.</summary>
    public int NodeOf(int client) => client % Servers.Count;

    /// <summary>The room a client (by global index) lives in.</summary>
    public string RoomOf(int client) => RoomPrefix + (client % Rooms).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Uri RoomSocketUri(int node, string room)
    {
        var server = Servers[node];
        var b = new UriBuilder(server) { Path = server.AbsolutePath.TrimEnd('/') + "/room/" + room + "/ws" };
        return b.Uri;
    }

    /// <summary>The server list as one line, for messages.</summary>
    public string ServerList => string.Join(", ", Servers);
}
