using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Plugins;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Plugins;

/// <summary>
/// What the plugins registered: request hooks, files, aliases, content types, redirects, site
/// code and message hooks. Filled once by <see cref="Initialize"/> before the server starts,
/// read-only afterwards. It is also the connections' hooks and the room directory plugins see.
/// </summary>
public sealed partial class PluginRuntime : IConnectionHooks, IRoomDirectory
{
    private readonly ConcurrentDictionary<string, int> _rooms = new(StringComparer.Ordinal);
    private readonly List<(string Plugin, IMessageHook Hook)> _messageHooks = [];
    private ILogger _log = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private IdGenerator? _ids;
    private TimeProvider _time = TimeProvider.System;

    public List<(string Plugin, RequestHook Hook)> RequestHooks { get; } = [];

    public List<FileGenerator> FileGenerators { get; } = [];

    public List<(Regex Pattern, string Template)> Aliases { get; } = [];

    public List<(Regex Pattern, string ContentType)> ContentTypes { get; } = [];

    public List<(Regex Pattern, string Template, int Status)> Redirects { get; } = [];

    public Dictionary<string, GeneratedFile> SyntheticFiles { get; } = new(StringComparer.Ordinal);

    /// <summary>The text of <c>/static/site.js</c> after its first line.</summary>
    public System.Text.StringBuilder SiteCode { get; } = new();

    /// <summary>
    /// Runs each plugin's initialiser in order (the one <c>Main-Class</c> names, else its single
    /// <see cref="IInstantPlugin"/> class, else none) and adds frontend plugins' site code.
    /// </summary>
    public void Initialize(
        PluginSet plugins, Func<string, string?> configuration, ServerProperties server,
        ILoggerFactory logs, IdGenerator ids, TimeProvider time)
    {
        _log = logs.CreateLogger("Instant.Plugins");
        _ids = ids;
        _time = time;
        foreach (var plugin in plugins.Plugins)
        {
            PluginLog.Loading(_log, plugin.Name);
            if (InitialiserOf(plugin) is { } type)
            {
                var api = new PluginApiForOne(this, plugin.Name, configuration, server, logs.CreateLogger("Instant.Plugins." + plugin.Name));
                try
                {
                    ((IInstantPlugin)Activator.CreateInstance(type)!).Initialize(api);
                }
                catch (Exception e)
                {
                    var cause = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
                    throw new PluginException(plugin.Name, $"initialiser {type.FullName} failed: {cause.GetType().Name}: {cause.Message}", cause);
                }
            }

            if (plugin.Manifest.FrontendPlugin)
            {
                SiteCode.Append(FrontendSiteCode.For(plugin.Name, plugin.Manifest));
            }
        }
    }

    /// <summary>Whether any plugin registered anything the HTTP side must consult.</summary>
    public bool HandlesHttp => RequestHooks.Count + FileGenerators.Count + Aliases.Count + ContentTypes.Count + Redirects.Count + SyntheticFiles.Count > 0;

    public IReadOnlyDictionary<string, int> Snapshot()
        => _rooms.Where(r => r.Value > 0).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);

    public IConnectionHookState Connect(ConnectionIdentity identity, Akka.Actor.IActorRef connection)
    {
        string? room = identity.Room == Instant.Actors.Rooms.RoomNames.Api ? null : identity.Room;
        if (room is not null)
        {
            _rooms.AddOrUpdate(room, 1, (_, n) => n + 1);
        }

        return new PluginConnection(this, room, identity, connection);
    }

    internal void AddMessageHook(string plugin, IMessageHook hook) => _messageHooks.Add((plugin, hook));

    private static Type? InitialiserOf(LoadedPlugin plugin)
    {
        if (plugin.Manifest.MainClass is { } name)
        {
            var type = plugin.Assembly.GetType(name, throwOnError: false)
                ?? throw new PluginException(plugin.Name, $"Main-Class {name} is not in {plugin.Assembly.GetName().Name}");
            return typeof(IInstantPlugin).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null
                ? type
                : throw new PluginException(plugin.Name, $"Main-Class {name} is not an {nameof(IInstantPlugin)} with a public parameterless constructor");
        }

        var candidates = plugin.Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IInstantPlugin).IsAssignableFrom(t)).ToList();
        return candidates.Count switch
        {
            0 => null,
            1 => candidates[0],
            _ => throw new PluginException(plugin.Name, $"several {nameof(IInstantPlugin)} classes ({string.Join(", ", candidates.Select(c => c.FullName))}); name one as Main-Class"),
        };
    }

    private static partial class PluginLog
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Loading plugin {Plugin}...")]
        public static partial void Loading(ILogger log, string plugin);

        [LoggerMessage(Level = LogLevel.Error, Message = "Plugin {Plugin}: a message hook failed in {Hook}")]
        public static partial void HookFailed(ILogger log, Exception e, string plugin, string hook);
    }
}
