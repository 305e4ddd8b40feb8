using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Web.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Plugins;

/// <summary>The server's plugin wiring, kept out of <see cref="InstantServer"/>: registration before the build, initialisation after it.</summary>
internal static class PluginHosting
{
    /// <summary>
    /// Registers the plugins' runtime (empty without plugins). Only with plugins do connections
    /// get hooks, so that without any the relay path is as before.
    /// </summary>
    public static PluginRuntime AddInstantPlugins(this IServiceCollection services, PluginSet plugins)
    {
        var runtime = new PluginRuntime();
        services.AddSingleton(runtime);
        if (!plugins.IsEmpty)
        {
            services.AddSingleton<IConnectionHooks>(runtime);
        }

        return runtime;
    }

    /// <summary>Runs the initialisers, in plugin order, before anything resolves the site or starts listening.</summary>
    public static void InitializePlugins(this WebApplication app, PluginSet plugins, PluginRuntime runtime, InstantConfiguration config, ServerInfo server)
    {
        if (plugins.IsEmpty)
        {
            return;
        }

        runtime.Initialize(
            plugins, config.Get, new Instant.Plugins.ServerProperties("Instant.Actors", server.Version, server.Revision, server.ConfigHash),
            app.Services.GetRequiredService<ILoggerFactory>(), app.Services.GetRequiredService<IdGenerator>(), app.Services.GetRequiredService<TimeProvider>());
    }
}
