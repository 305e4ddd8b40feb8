using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Instant.Web.Http;

/// <summary>
/// Writes one HTTP log line per request when its response headers are decided (before the
/// body, and for a WebSocket at the 101), like the original.
/// </summary>
public sealed class HttpLogMiddleware(RequestDelegate next, HttpLog log)
{
    /// <summary>HttpContext.Items key of the extra field's entries (real-ip, uuid, id).</summary>
    public const string ExtraKey = "instant.log.extra";

    public Task InvokeAsync(HttpContext context)
    {
        // OnStarting runs for every response that is sent, bodiless ones included (at their end).
        context.Response.OnStarting(() =>
        {
            Write(context);
            return Task.CompletedTask;
        });
        return next(context);
    }

    private void Write(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString);
        log.Write(
            context.Connection.RemoteIpAddress?.ToString() ?? "-",
            $"{request.Method} {target} {request.Protocol}",
            context.Response.StatusCode,
            context.Response.ContentLength,
            request.Headers.Referer.ToString(),
            request.Headers.UserAgent.ToString(),
            context.Items[ExtraKey] as List<KeyValuePair<string, string>> ?? []);
    }
}
