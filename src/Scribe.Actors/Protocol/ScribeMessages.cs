namespace Scribe.Actors.Protocol;

/// <summary>A new connection to the room is open; frames from it follow as <see cref="ServerFrame"/>.</summary>
public sealed record ScribeConnected(IScribeTransport Transport);

/// <summary>One server→client frame, the UTF-8 JSON a WebSocket client receives.</summary>
public sealed record ServerFrame(byte[] Json);

/// <summary>The connection ended (closed by the server, broken, or closed by Scribe).</summary>
public sealed record ScribeDisconnected(bool Final);

/// <summary>Asks Scribe for its store's bounds (for tests and hosts); answered with <see cref="Stores.LogBounds"/> or <see cref="NoLogs"/>.</summary>
public sealed record GetLogBounds
{
    public static readonly GetLogBounds Instance = new();
}

/// <summary>The store holds no posts.</summary>
public sealed record NoLogs
{
    public static readonly NoLogs Instance = new();
}

/// <summary>Asks whether Scribe has finished pulling logs; answered with a bool.</summary>
public sealed record IsLogsDone
{
    public static readonly IsLogsDone Instance = new();
}
