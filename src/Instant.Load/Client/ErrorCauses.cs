using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace Instant.Load.Client;

/// <summary>Short, countable names for why a connect or a connection failed.</summary>
internal static partial class ErrorCauses
{
    [GeneratedRegex("status code '(\\d+)'")]
    private static partial Regex StatusCode();

    public static string OfConnect(Exception e, bool timedOut)
    {
        if (timedOut) return "connect: timeout";
        for (var x = e; x != null; x = x.InnerException)
        {
            if (x is SocketException se) return "connect: " + se.SocketErrorCode;
            if (x is HttpRequestException { StatusCode: not null } he) return "connect: HTTP " + (int)he.StatusCode;
            if (x is WebSocketException we)
            {
                var m = StatusCode().Match(we.Message);
                if (m.Success) return "connect: HTTP " + m.Groups[1].Value;
            }
        }
        for (var x = e; x != null; x = x.InnerException)
        {
            if (x is WebSocketException we && x.InnerException == null) return "connect: " + we.WebSocketErrorCode;
        }
        return "connect: " + (e.InnerException ?? e).GetType().Name;
    }

    /// <summary>A failed reconnect attempt's cause, from its connect cause: "reconnect: ConnectionRefused".</summary>
    public static string OfReconnect(string connectCause) =>
        connectCause.StartsWith("connect: ", StringComparison.Ordinal) ? "re" + connectCause : "reconnect: " + connectCause;

    public static string OfReceive(Exception e)
    {
        for (var x = e; x != null; x = x.InnerException)
        {
            if (x is SocketException se) return se.SocketErrorCode.ToString();
        }
        return e is WebSocketException we ? we.WebSocketErrorCode.ToString() : e.GetType().Name;
    }

    /// <summary>Causes that mean the server cannot be reached at all (as opposed to one bad connect).</summary>
    public static bool IsUnreachable(string cause) =>
        cause.Contains("ConnectionRefused", StringComparison.Ordinal) || cause.Contains("HostUnreachable", StringComparison.Ordinal)
        || cause.Contains("NetworkUnreachable", StringComparison.Ordinal) || cause.Contains("HostNotFound", StringComparison.Ordinal)
        || cause.Contains("HTTP", StringComparison.Ordinal) || cause.Contains("timeout", StringComparison.Ordinal);
}
