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
    /// <summary>Server base address, ws:// or wss:// (http(s):// is accepted and mapped).</summary>
    public required Uri Server { get; init; }
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

    /// <summary>The room a client (by global index) lives in.</summary>
    public string RoomOf(int client) => RoomPrefix + (client % Rooms).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Uri RoomSocketUri(string room)
    {
        var b = new UriBuilder(Server) { Path = Server.AbsolutePath.TrimEnd('/') + "/room/" + room + "/ws" };
        return b.Uri;
    }
}
