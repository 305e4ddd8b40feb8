using System.Net;
using Instant.Web.Cli;
using Instant.Web.Listening;

namespace Instant.Web.Operations;

/// <summary>
/// Where <c>/metrics</c> and <c>/healthz</c> + <c>/readyz</c> are served, from
/// <c>instant.metrics.enabled</c> (default no), <c>instant.metrics.addr</c>,
/// <c>instant.health.enabled</c> (default yes) and <c>instant.health.addr</c>. An address is
/// HOST:PORT of a listener of their own (so they need not be public); empty means the server's own port.
/// </summary>
public sealed record OperationsSettings(bool Metrics, EndPoint? MetricsAddress, bool Health, EndPoint? HealthAddress)
{
    public static OperationsSettings From(InstantConfiguration config)
    {
        bool health = config.Get("instant.health.enabled") is not { Length: > 0 } || config.GetBool("instant.health.enabled");
        return new OperationsSettings(
            config.GetBool("instant.metrics.enabled"), Address(config, "instant.metrics.addr"),
            health, Address(config, "instant.health.addr"));
    }

    /// <summary>HOST:PORT (HOST a name, an IPv4 address or a bracketed IPv6 one; PORT 0 picks a free one), or null when empty.</summary>
    internal static IPEndPoint? Address(InstantConfiguration config, string key)
    {
        if (config.Get(key) is not { Length: > 0 } text)
        {
            return null;
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out int port) || port is < 0 or > 65535)
        {
            throw new CommandLineException($"configuration value {key}='{text}' is not HOST:PORT");
        }

        string host = text[..colon].Trim('[', ']');
        return ListenHost.Resolve(host, port, $"configuration value {key}='{text}'");
    }
}
