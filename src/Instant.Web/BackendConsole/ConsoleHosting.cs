using Instant.Web.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Instant.Web.BackendConsole;

public static class ConsoleHosting
{
    /// <summary>The backend console, when <paramref name="settings"/> says it is enabled; nothing otherwise.</summary>
    public static IServiceCollection AddInstantConsole(this IServiceCollection services, ConsoleSettings? settings, InstantConfiguration config)
    {
        if (settings is null)
        {
            return services;
        }

        services.AddSingleton(settings);
        services.AddSingleton(config);
        services.AddSingleton<ConsoleCommands>();
        services.AddSingleton<ConsoleServer>();
        services.AddHostedService(sp => sp.GetRequiredService<ConsoleServer>());
        return services;
    }
}
