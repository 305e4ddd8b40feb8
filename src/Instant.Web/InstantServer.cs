using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Cluster;
using Instant.Actors.Connections;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Instant.Web.BackendConsole;
using Instant.Web.Cli;
using Instant.Web.Http;
using Instant.Web.Listening;
using Instant.Web.Operations;
using Instant.Web.Plugins;
using Instant.Web.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scribe.Actors.Hosting;
using Scribe.Actors.Journal;

namespace Instant.Web;

/// <summary>
/// The <c>instant</c> server: Kestrel serving the site and WebSockets, with rooms and
/// connections in an Akka.NET actor system. <c>Program</c> and the tests both start it here.
/// </summary>
public sealed class InstantServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LogSink[] _sinks;

    private InstantServer(WebApplication app, Uri baseUri, int port, LogSink[] sinks)
    {
        _app = app;
        BaseUri = baseUri;
        Port = port;
        _sinks = sinks;
    }

    /// <summary>The product version, from the assembly (Directory.Build.props).</summary>
    public static string Version { get; } = ReadVersion().Version;

    /// <summary>The source revision the build was made from, when the build knew it.</summary>
    public static string? Revision { get; } = ReadVersion().Revision;

    private static string ServerHeader => $"Instant.Actors/{Version}";

    /// <summary>The bound port (the real one when 0 was asked for).</summary>
    public int Port { get; }

    /// <summary>Where a local client reaches the server: http(s)://host:port/.</summary>
    public Uri BaseUri { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// The status to exit with once the server has stopped: 0, or 3 (Akka's status for it) when
    /// the cluster downed this node, which then stopped unasked: a supervisor should start it again.
    /// </summary>
    public int ExitCode
        => CoordinatedShutdown.Get(_app.Services.GetRequiredService<ActorSystem>()).ShutdownReason is CoordinatedShutdown.ClusterDowningReason ? 3 : 0;

    /// <summary>Starts a server from command-line arguments, as <c>instant</c> would; port 0 picks a free port.</summary>
    public static Task<InstantServer> StartAsync(string[] args, CancellationToken cancellation = default)
        => StartAsync(CommandLine.Parse(args), null, cancellation);

    /// <summary>
    /// Starts a server; <paramref name="configureAkka"/> may add Akka settings last (an embedding
    /// host's own actors, or test settings such as <c>serialize-messages</c>).
    /// </summary>
    public static async Task<InstantServer> StartAsync(
        ServerOptions options, Func<string, string?>? environment = null, CancellationToken cancellation = default,
        Action<AkkaConfigurationBuilder>? configureAkka = null)
    {
        // Before the configuration: plugins' configuration values are its last source.
        var plugins = PluginSet.Load(options.Plugins, options.PluginPath);
        if (options.WebRoot is { } webRoot && !Directory.Exists(webRoot))
        {
            // A mistyped --webroot would otherwise serve the built-in client without a word.
            throw new CommandLineException($"--webroot {webRoot}: no such directory");
        }

        var config = InstantConfiguration.From(options, environment, plugins.Configuration);
        var logLevel = LogLevels.Parse(options.LogLevel);
        var tls = TlsSettings.From(options.Tls);
        var notices = new List<string>();
        var cookieKey = LoadCookieKey(config, notices.Add);
        long rateLimit = config.GetLong("instant.ws.rateLimit", 5000);
        long rateBurst = config.GetLong("instant.ws.rateBurst", 10000);
        var socketLimits = new SocketLimits
        {
            MaxFrameSize = (int)config.GetLong("instant.ws.maxFrameSize", 4 * 1024 * 1024, min: 1024),
            InputBudget = config.GetLong("instant.ws.inputBudget", 64 * 1024 * 1024, min: 1024),
            OutboxBytes = config.GetLong("instant.ws.outboxBytes", 16 * 1024 * 1024, min: 1024),
            OutboxFrames = (int)config.GetLong("instant.ws.outboxFrames", 65536, min: 1),
            MaxConnections = (int)config.GetLong("instant.ws.maxConnections", ConnectionGate.DefaultMax(), min: 1),
            KeepAlive = TimeSpan.FromSeconds(config.GetLong("instant.ws.keepAlive", 30)),
            PingsPerSecond = rateLimit,
            PingBurst = rateBurst,
        };
        var connectionLimits = new ConnectionLimits
        {
            MessagesPerSecond = rateLimit,
            MessageBurst = rateBurst,
        };
        var allConnections = new ConnectionGate((int)config.GetLong("instant.server.maxConnections", ConnectionGate.DefaultConnectionsMax(), min: 1));
        var roomIdle = TimeSpan.FromSeconds(config.GetLong("instant.rooms.idleTimeout", 60, min: 1));
        int maxCacheAge = (int)config.GetLong("instant.http.maxCacheAge", 3600);
        var operations = OperationsSettings.From(config);
        var backendConsole = ConsoleSettings.From(config);
        EmbeddedScribeConfiguration scribes;
        ScribeJournalConfig? journal;
        InstantClusterSettings? cluster;
        try
        {
            scribes = EmbeddedScribeConfiguration.From(config.Get);
            // Read whether or not a room is named, so a wrong journal is reported at once.
            journal = ScribeJournalConfig.FromSettings(config.Get);
            cluster = ClusterSettings(config, options.Host);
        }
        catch (FormatException e)
        {
            throw new CommandLineException(e.Message);
        }

        string sameSite = IdentityCookie.ParseSameSite(config.Get("instant.cookies.sameSite"))
            ?? throw new CommandLineException($"configuration value instant.cookies.sameSite='{config.Get("instant.cookies.sameSite")}' is not Strict, Lax or None");
        bool reuseAddress = !config.GetBool("instant.server.noReuseAddr");
        string configHash = ConfigHash.Compute(Version, Revision, plugins.Hashes);
        var uuids = new UuidFactory();
        var era = uuids.FromId(new IdGenerator(TimeProvider.System).Next());
        var serverInfo = new ServerInfo(Version, era, Revision, configHash);

        var httpSink = OpenLog(options.HttpLog, "--http-log");
        var debugSink = options.DebugLog == options.HttpLog ? httpSink : OpenLog(options.DebugLog, "--debug-log");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        // The level can change while running (the backend console): the provider filters, the
        // factory lets everything through to it.
        var logSwitch = new LogLevelSwitch(logLevel);
        builder.Services.AddSingleton(logSwitch);
        builder.Logging.AddProvider(new DebugLogProvider(debugSink, logSwitch, TimeProvider.System));
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        if (logLevel >= LogLevel.Information)
        {
            // ASP.NET Core's own information lines would drown ours.
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        // Hosting makes an Activity per request whenever its logger is enabled at all; a
        // WebSocket keeps that for its lifetime. We log requests ourselves (--http-log).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // A start that fails (a port in use) is reported by `instant` in one clear line; the
        // host's own stack trace of it is for --log-level DEBUG.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", logLevel <= LogLevel.Debug ? LogLevel.Trace : LogLevel.Critical);

        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var listenAddresses = ListenAddresses(options.Host, options.Port).ToArray();
        var listenSockets = new ListenSockets(reuseAddress);
        builder.WebHost.UseSockets(s =>
        {
            s.Backlog = ListenSockets.Backlog;
            s.CreateBoundListenSocket = listenSockets.Bind;
        });
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // An idle connection (none of whose requests has begun) holds one of
            // instant.server.maxConnections until this ends it; Kestrel's default is 130 s.
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(30);
            foreach (var address in listenAddresses)
            {
                kestrel.Listen(address, options.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(next => new ConnectionCapMiddleware(next, allConnections).OnConnectionAsync);
                    UseTls(listen, tls);
                    listen.Use(next => new RawWebSocketMiddleware(next, listen.ApplicationServices, ServerHeader).OnConnectionAsync);
                });
            }
        });

        // Kestrel's and its transport's buffers in 1 KB blocks, not 4 KB (SmallBlockMemoryPool).
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(new SmallBlockMemoryPoolFactory());
        builder.Services.AddInstantCore(serverInfo, connectionLimits, roomIdle, clustered: cluster is not null);
        builder.Services.AddAkka(cluster?.Name ?? InstantClusterSettings.DefaultName, (akka, _) =>
        {
            akka.AddInstantDefaults();
            akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = AkkaLevel(logLevel);
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaLogForwarder>();
            });
            if (cluster is null)
            {
                akka.AddInstantRooms();
            }
            else
            {
                akka.AddInstantCluster(cluster);
            }

            akka.AddRoomScribes(scribes, journal, clustered: cluster is not null);
            configureAkka?.Invoke(akka);
        });
        builder.Services.AddInstantOperations(operations, scribes.Rooms, clustered: cluster is not null);
        builder.Services.AddInstantConsole(backendConsole, config);
        builder.Services.AddSingleton(new IdentityCookie(new CookieSigner(cookieKey), config.GetBool("instant.cookies.insecure"), sameSite));
        builder.Services.AddSingleton(AllowedOrigins.Parse(config.Get("instant.ws.allowedOrigins")));
        builder.Services.AddSingleton(socketLimits);
        builder.Services.AddSingleton(new InputBudget(socketLimits.InputBudget));
        builder.Services.AddSingleton(new HttpLog(httpSink, TimeProvider.System));
        builder.Services.AddSingleton<ConnectionAdmission>();
        builder.Services.AddSingleton(new ConnectionGate(socketLimits.MaxConnections));
        var pluginRuntime = builder.Services.AddInstantPlugins(plugins);
        bool followSymlinks = config.GetBool("instant.http.followSymlinks");
        builder.Services.AddSingleton(sp => new StaticFileStore(
            options.WebRoot, GeneratedFiles(serverInfo, pluginRuntime.SiteCode.ToString()), followSymlinks, sp.GetRequiredService<ILogger<StaticFileStore>>()));
        builder.Services.AddSingleton<WebSocketEndpoint>();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SiteHandler>(
            sp, maxCacheAge, ServerHeader));

        if (cluster is not null)
        {
            builder.Services.AddHostedService(sp => new ClusterJoined(
                sp.GetRequiredService<IdGenerator>(), cluster.Seeds, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Instant")));
        }

        if (scribes.Rooms.Count > 0 && cluster is null)
        {
            // In a cluster a room's Scribe may run on any node: this one does not wait for it.
            builder.Services.AddHostedService(sp => new EmbeddedParticipantsReady(sp.GetRequiredService<ParticipantDirectory>(), scribes.Rooms.Count));
        }

        if (options.StartupCommand is { } command)
        {
            // A hosted service registered after the actor system's: it runs once everything is
            // up but Kestrel, which starts after all hosted services. The port is bound (and
            // shared with the server being replaced) just before the command: see ListenSockets.
            var endpoints = listenAddresses.Select(address => new IPEndPoint(address, options.Port));
            builder.Services.AddHostedService(sp =>
            {
                var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Instant");
                return new StartupCommand(command, log, () => listenSockets.BindEarly(endpoints, message => log.LogInformation("{Message}", message)));
            });
        }

        var app = builder.Build();
        app.InitializePlugins(plugins, pluginRuntime, config, serverInfo);
        app.UseMiddleware<HttpLogMiddleware>();
        app.UseInstantOperations();
        var site = app.Services.GetRequiredService<SiteHandler>();
        app.Run(site.HandleAsync);
        CloseConnectionsOnShutdown(app, clustered: cluster is not null);

        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Instant");
        log.LogInformation("Instant.Actors {Version}{Revision}", Version, Revision is null ? string.Empty : $" ({Revision})");
        log.LogInformation("Configuration hash: {Hash}", configHash);
        foreach (var notice in notices)
        {
            log.LogInformation("{Notice}", notice);
        }

        try
        {
            await app.StartAsync(cancellation);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested
            && CoordinatedShutdown.Get(app.Services.GetRequiredService<ActorSystem>()).ShutdownReason is CoordinatedShutdown.ClusterDowningReason)
        {
            // A node downed while it was still joining stops its host, which cancels the port's
            // binding: report it as the downing it is (exit 3), not as a crash.
            await app.DisposeAsync();
            throw new NodeDownedException();
        }

        int port = BoundPort(app);
        string shown = options.Host == "*" ? "*" : options.Host;
        log.LogInformation("Serving era {Era} on {Host}:{Port}...", era, shown, port);
        var local = options.Host is "*" or "localhost" or "0.0.0.0" or "::" or "[::]" ? "127.0.0.1" : options.Host;
        var baseUri = new UriBuilder(tls is null ? "http" : "https", local, port).Uri;
        return new InstantServer(app, baseUri, port, httpSink == debugSink ? [httpSink] : [httpSink, debugSink]);
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }
    }

    private static void UseTls(ListenOptions listen, TlsSettings? tls)
    {
        if (tls is null)
        {
            return;
        }

        listen.UseHttps(https =>
        {
            https.ServerCertificate = tls.Certificate;
            https.ServerCertificateChain = tls.Chain;
            if (tls.ClientCas is not null)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => tls.IsTrustedClient(certificate);
            }
        });
    }

    private static Dictionary<string, string> GeneratedFiles(ServerInfo server, string siteCode)
    {
        static string Js(string? s) => s is null ? "null" : System.Text.Json.JsonSerializer.Serialize(s);
        return new Dictionary<string, string>
        {
            ["static/version.js"] =
                $"this._instantVersion_ = {{version: {Js(server.Version)}, revision: {Js(server.Revision)}, configHash: {Js(server.ConfigHash)}}};\n",
            ["static/site.js"] = "\n" + siteCode,
        };
    }

    private static byte[] LoadCookieKey(InstantConfiguration config, Action<string> notice)
    {
        if (config.Get("instant.cookies.keyfile") is not { Length: > 0 } path)
        {
            return CookieKeyFile.RandomKey();
        }

        try
        {
            return CookieKeyFile.Load(path, config.GetBool("instant.cookies.keyfile.create"), notice);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new CommandLineException($"instant.cookies.keyfile: {e.Message}");
        }
    }

    private static LogSink OpenLog(string path, string option)
    {
        try
        {
            return LogSink.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandLineException($"{option} {path}: {e.Message}");
        }
    }

    private static IEnumerable<IPAddress> ListenAddresses(string host, int port)
    {
        if (host is "*")
        {
            return [IPAddress.IPv6Any];
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return [address];
        }

        if (host == "localhost")
        {
            // A free port asked for by 0 must be the same on both loopback addresses; keep one.
            return port == 0 ? [IPAddress.Loopback] : [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        try
        {
            var resolved = Dns.GetHostAddresses(host);
            return port == 0 ? resolved.Take(1) : resolved;
        }
        catch (SocketException e)
        {
            throw new CommandLineException($"cannot resolve host '{host}': {e.Message}");
        }
    }

    private static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address.Replace("[::]", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return uri.Port;
            }
        }

        throw new InvalidOperationException("the server reports no bound address");
    }

    /// <summary>
    /// On shutdown every WebSocket gets a close frame (1001) rather than a reset. A cluster node
    /// first hands its room shards to the other nodes (a graceful leave).
    /// </summary>
    private static void CloseConnectionsOnShutdown(WebApplication app, bool clustered)
    {
        var directory = app.Services.GetRequiredService<ParticipantDirectory>();
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            if (clustered)
            {
                var system = app.Services.GetRequiredService<Akka.Actor.ActorSystem>();
                ClusterHandOff.HandOffRoomsAsync(system, app.Services.GetRequiredService<ActorRegistry>(), TimeSpan.FromSeconds(10))
                    .GetAwaiter().GetResult();
            }

            directory.TellAll(new CloseConnection(ConnectionCloseReason.ServerShutdown));
        });
    }

    /// <summary>
    /// Cluster mode from <c>instant.cluster.*</c>, or null without seeds. Akka.Remote listens on
    /// <c>instant.cluster.host</c> (default: the HTTP host; this machine's name when that is a
    /// wildcard) and <c>instant.cluster.port</c>, which cluster mode requires.
    /// </summary>
    private static InstantClusterSettings? ClusterSettings(InstantConfiguration config, string httpHost)
    {
        var seeds = InstantClusterSettings.ParseSeeds(config.Get("instant.cluster.seeds"));
        if (seeds.Count == 0)
        {
            return null;
        }

        if (config.Get("instant.cluster.port") is not { Length: > 0 } portText)
        {
            throw new FormatException("instant.cluster.port is required with instant.cluster.seeds: the port this node's cluster transport listens on");
        }

        if (!int.TryParse(portText, out int port) || port is < 0 or > 65535)
        {
            throw new FormatException($"instant.cluster.port: '{portText}' is not a port number");
        }

        string host = config.Get("instant.cluster.host") is { Length: > 0 } configured
            ? configured
            : httpHost is "*" or "" or "0.0.0.0" or "::" or "[::]" ? Dns.GetHostName() : httpHost;
        string name = config.Get("instant.cluster.name") is { Length: > 0 } n ? n : InstantClusterSettings.DefaultName;
        return new InstantClusterSettings(name, host.Trim('[', ']'), port, seeds);
    }

    internal static Akka.Event.LogLevel AkkaLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => Akka.Event.LogLevel.DebugLevel,
        LogLevel.Information => Akka.Event.LogLevel.InfoLevel,
        LogLevel.Warning => Akka.Event.LogLevel.WarningLevel,
        _ => Akka.Event.LogLevel.ErrorLevel,
    };

    private static (string Version, string? Revision) ReadVersion()
    {
        var informational = typeof(InstantServer).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+');
        return plus < 0 ? (informational, null) : (informational[..plus], informational[(plus + 1)..]);
    }
}
