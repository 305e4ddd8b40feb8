using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Instant.Actors.Cluster;
using Instant.Actors.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Scribe.Actors.Protocol;

namespace Instant.Web.Operations;

/// <summary>
/// <c>/metrics</c> (Prometheus text, from OpenTelemetry's exporter reading the meters
/// <c>Instant.*</c>), <c>/healthz</c> (the process answers) and <c>/readyz</c> (ASP.NET Core health
/// checks tagged <c>ready</c>): on the server's own port, or on listeners of their own
/// (<see cref="OperationsSettings"/>). Each server, each cluster node, serves its own.
/// </summary>
public static class OperationsEndpoints
{
    private const string ReadyTag = "ready";

    /// <summary>The meters /metrics exports.</summary>
    public static readonly string[] Meters = [ConnectionMetrics.MeterName, RoomMetrics.MeterName, CrossNodeTraffic.MeterName, ScribeMetrics.MeterName];

    /// <summary>Registers the meters' exporter, the health checks and, where asked for, the separate listeners.</summary>
    public static IServiceCollection AddInstantOperations(
        this IServiceCollection services, OperationsSettings settings, IReadOnlyList<string> scribeRooms, bool clustered)
    {
        services.AddSingleton(settings);
        services.AddSingleton<ScribeMetrics>();
        if (settings.Metrics)
        {
            // Disposed with the services; a scrape always reads fresh values (no response cache).
            // Only this server's meter instances: other servers of the process (tests, an
            // embedding host) have meters of the same names, which would mix into ours.
            services.AddSingleton(sp =>
            {
                var own = new HashSet<Meter>
                {
                    sp.GetRequiredService<ConnectionMetrics>().Meter,
                    sp.GetRequiredService<RoomMetrics>().Meter,
                    sp.GetRequiredService<CrossNodeTraffic>().Meter,
                    sp.GetRequiredService<ScribeMetrics>().Meter,
                };
                return Sdk.CreateMeterProviderBuilder()
                    .ConfigureResource(r => r.AddService("instant", serviceVersion: InstantServer.Version))
                    .AddMeter(Meters)
                    .AddView(instrument => own.Contains(instrument.Meter) ? null : MetricStreamConfiguration.Drop)
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)
                    .Build();
            });
        }

        var checks = services.AddHealthChecks()
            .AddCheck<PortServesCheck>("http", tags: [ReadyTag]);
        if (scribeRooms.Count > 0 && !clustered)
        {
            checks.Add(new HealthCheckRegistration("scribes", sp => new EmbeddedScribesCheck(sp, scribeRooms), null, [ReadyTag]));
        }

        if (clustered)
        {
            checks.Add(new HealthCheckRegistration("cluster", sp => new ClusterMemberUpCheck(sp), null, [ReadyTag]));
        }

        services.AddSingleton<OperationsListeners>();
        services.AddHostedService(sp => sp.GetRequiredService<OperationsListeners>());
        return services;
    }

    /// <summary>Serves on the server's own port the endpoints that have no address of their own.</summary>
    public static IApplicationBuilder UseInstantOperations(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<OperationsSettings>();
        Map(app, app.ApplicationServices, metrics: settings.Metrics && settings.MetricsAddress is null, health: settings.Health && settings.HealthAddress is null);
        return app;
    }

    /// <summary>The endpoints on one pipeline; <paramref name="server"/> holds the meter provider and the health checks.</summary>
    internal static void Map(IApplicationBuilder app, IServiceProvider server, bool metrics, bool health)
    {
        if (metrics)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(
                server.GetRequiredService<MeterProvider>(), context => context.Request.Path == "/metrics", null, null, null);
        }

        if (health)
        {
            var healthChecks = server.GetRequiredService<HealthCheckService>();
            app.Map("/healthz", branch => branch.Run(context => Respond(context, healthChecks, _ => false)));
            app.Map("/readyz", branch => branch.Run(context => Respond(context, healthChecks, r => r.Tags.Contains(ReadyTag))));
        }
    }

    /// <summary>200 with "Healthy", or 503 with "Unhealthy"; then a line per check: its name, status and description.</summary>
    private static async Task Respond(HttpContext context, HealthCheckService checks, Func<HealthCheckRegistration, bool> which)
    {
        var report = await checks.CheckHealthAsync(which, context.RequestAborted);
        var text = new StringBuilder().Append(report.Status).Append('\n');
        foreach (var (name, entry) in report.Entries)
        {
            text.Append(name).Append(": ").Append(entry.Status).Append(entry.Description is { } d ? " (" + d + ")" : string.Empty).Append('\n');
        }

        context.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(text.ToString());
    }
}

/// <summary>
/// The listeners of <c>instant.metrics.addr</c> and <c>instant.health.addr</c> (one when both
/// name the same address): small Kestrel servers of their own, started before the main port so
/// that <c>/healthz</c> answers while the node is still joining its cluster.
/// </summary>
public sealed class OperationsListeners(IServiceProvider server, OperationsSettings settings, ILoggerFactory logs) : IHostedService, IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly Dictionary<EndPoint, int> _ports = [];

    /// <summary>The port bound for a configured address (the real one when it asked for 0).</summary>
    public int PortOf(EndPoint configured) => _ports[configured];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<EndPoint, (bool Metrics, bool Health)>();
        if (settings.Metrics && settings.MetricsAddress is { } m)
        {
            wanted[m] = (true, false);
        }

        if (settings.Health && settings.HealthAddress is { } h)
        {
            wanted[h] = (wanted.TryGetValue(h, out var both) && both.Metrics, true);
        }

        foreach (var (address, what) in wanted)
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(logs);
            builder.WebHost.UseKestrel(k =>
            {
                k.AddServerHeader = false;
                k.Listen((IPEndPoint)address, l => l.Protocols = HttpProtocols.Http1);
            });
            var app = builder.Build();
            OperationsEndpoints.Map(app, server, what.Metrics, what.Health);
            app.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            await app.StartAsync(cancellationToken);
            _apps.Add(app);
            _ports[address] = new Uri(app.Urls.First().Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
            logs.CreateLogger("Instant").LogInformation(
                "Serving {What} on {Address}", string.Join(" and ", new[] { what.Metrics ? "/metrics" : null, what.Health ? "/healthz, /readyz" : null }.OfType<string>()), address);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var app in _apps)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        _apps.Clear();
    }
}
