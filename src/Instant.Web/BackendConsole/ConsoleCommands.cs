using System.Text;
using System.Text.Json;
using Akka.Actor;
using Instant.Actors.Cluster;
using Instant.Actors.Connections;
using Instant.Actors.Diagnostics;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Instant.Actors.Rooms;
using Instant.Protocol;
using Instant.Web.Cli;
using Instant.Web.Http;
using Instant.Web.Sockets;

namespace Instant.Web.BackendConsole;

/// <summary>
/// The console's command language: one command per line, words separated by spaces, the rest
/// of the line as the last argument where a command takes text. See <see cref="Help"/>.
/// Everything is about this process (this node of a cluster).
/// </summary>
public sealed class ConsoleCommands(
    ParticipantDirectory directory,
    ConnectionMetrics connections,
    RoomMetrics rooms,
    CrossNodeTraffic cluster,
    InstantConnections open,
    LogLevelSwitch logLevel,
    InstantConfiguration config,
    IServiceProvider services)
{
    public static readonly string[] Help =
    [
        "help                      this list",
        "rooms                     the rooms of this node with their participants' ids",
        "counters                  the counters of /metrics (this node)",
        "say ROOM TEXT             post TEXT into ROOM as the participant 'Console', who then leaves",
        "disconnect ID             close participant ID's connection (close code 1008)",
        "loglevel [LEVEL]          show or set the debugging log level (INFO, FINE, Debug, ...)",
        "config KEY                the configuration value KEY as the server read it",
        "quit                      end the session",
    ];

    private static readonly TimeSpan SayTimeout = TimeSpan.FromSeconds(10);

    public async Task<ConsoleResult> RunAsync(string line, CancellationToken cancellation)
    {
        string trimmed = line.Trim();
        int space = trimmed.IndexOf(' ');
        string command = space < 0 ? trimmed : trimmed[..space];
        string rest = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
        try
        {
            return command switch
            {
                "help" => ConsoleResult.Ok(Help),
                "rooms" => Rooms(),
                "counters" => Counters(),
                "say" => await SayAsync(rest, cancellation),
                "disconnect" => Disconnect(rest),
                "loglevel" => LogLevel(rest),
                "config" => Config(rest),
                _ => ConsoleResult.Fail($"unknown command '{command}'; try help"),
            };
        }
        catch (CommandLineException e)
        {
            return ConsoleResult.Fail(e.Message);
        }
    }

    private ConsoleResult Rooms()
    {
        var lines = directory.Participants()
            .GroupBy(p => p.Room ?? "?")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{(g.Key == RoomNames.Api ? "(api)" : g.Key)} {g.Count()}: {string.Join(' ', g.Select(p => IdFormat.ToHex(p.Id)).Order(StringComparer.Ordinal))}")
            .ToList();
        return ConsoleResult.Ok(lines);
    }

    private ConsoleResult Counters()
    {
        var lines = connections.Counts().Select(c => $"{c.Name} {c.Value}").ToList();
        lines.Add($"instant.rooms.alive {rooms.Alive}");
        lines.Add($"instant.cluster.relay.messages {cluster.Messages}");
        return ConsoleResult.Ok(lines);
    }

    private async Task<ConsoleResult> SayAsync(string rest, CancellationToken cancellation)
    {
        int space = rest.IndexOf(' ');
        if (space <= 0 || !RoomNames.IsValid(rest[..space]))
        {
            return ConsoleResult.Fail("usage: say ROOM TEXT");
        }

        string room = rest[..space];
        string text = rest[(space + 1)..];
        var (id, uuid) = open.NewParticipant();
        var actor = await open.OpenAsync(new ConnectionIdentity(room, id, uuid), DiscardingSink.Instance).WaitAsync(SayTimeout, cancellation);
        var post = JsonSerializer.SerializeToUtf8Bytes(new { type = "broadcast", data = new { type = "post", nick = "Console", text } });
        actor.Tell(ConnectionAdmission.Decode(post));
        // After the post, in order: the room sees it before the leave.
        actor.Tell(new SocketClosed("console notice sent"));
        return ConsoleResult.Ok([$"said into {room} as {IdFormat.ToHex(id)}"]);
    }

    private ConsoleResult Disconnect(string rest)
    {
        if (!IdFormat.TryParse(rest, out long id))
        {
            return ConsoleResult.Fail("usage: disconnect ID (16 hex digits)");
        }

        if (directory.Find(id) is not { } connection)
        {
            return ConsoleResult.Fail($"no participant {rest} on this node");
        }

        connection.Tell(new CloseConnection(ConnectionCloseReason.Disconnected));
        return ConsoleResult.Ok([$"disconnected {IdFormat.ToHex(id)}"]);
    }

    private ConsoleResult LogLevel(string rest)
    {
        if (rest.Length > 0)
        {
            var level = LogLevels.Parse(rest);
            logLevel.Level = level;
            if (services.GetService(typeof(ActorSystem)) is ActorSystem system)
            {
                system.EventStream.SetLogLevel(InstantServer.AkkaLevel(level));
            }
        }

        return ConsoleResult.Ok([$"{LogLevels.JavaName(logLevel.Level)} ({logLevel.Level})"]);
    }

    private ConsoleResult Config(string key)
    {
        if (key.Length == 0 || key.Contains(' ', StringComparison.Ordinal))
        {
            return ConsoleResult.Fail("usage: config KEY");
        }

        return ConsoleResult.Ok([config.Get(key) is { } value ? $"{key}={value}" : $"{key} is not set"]);
    }

    /// <summary>The console's own participant reads nothing.</summary>
    private sealed class DiscardingSink : IConnectionSink
    {
        public static readonly DiscardingSink Instance = new();

        public bool TrySend(byte[] frame) => true;

        public void Close(ConnectionCloseReason reason)
        {
        }
    }
}

/// <summary>A command's output lines and, if it failed, why.</summary>
public sealed record ConsoleResult(IReadOnlyList<string> Lines, string? Error)
{
    public static ConsoleResult Ok(IReadOnlyList<string> lines) => new(lines, null);

    public static ConsoleResult Fail(string error) => new([], error);
}
