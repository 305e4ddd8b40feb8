using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Instant.Actors.Identity;
using Instant.Actors.Rooms;
using Instant.Web.Sockets;
using Microsoft.AspNetCore.Http;

namespace Instant.Web.Http;

/// <summary>Answers every request: static and generated files, redirects, <c>/api/auth</c> and the WebSocket endpoints.</summary>
public sealed class SiteHandler(
    StaticFileStore files,
    WebSocketEndpoint sockets,
    IdentityCookie cookies,
    UuidFactory uuids,
    IdGenerator ids,
    TimeProvider time,
    int maxCacheAge,
    string serverHeader)
{
    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.Server = serverHeader;
        var request = context.Request;
        var target = SitePaths.Resolve(request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty);
        bool isGet = HttpMethods.IsGet(request.Method);
        if (target is not null && !isGet && !HttpMethods.IsHead(request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await PlainText(context, StatusCodes.Status405MethodNotAllowed, "405 Method Not Allowed");
            return;
        }

        switch (target)
        {
            case SiteTarget.File file:
                await ServeFileAsync(context, file.LogicalPath);
                break;
            case SiteTarget.Redirect redirect:
                context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
                context.Response.Headers.Location = redirect.Location;
                break;
            case SiteTarget.RoomSocket room when isGet:
                await sockets.HandleAsync(context, room.Room);
                break;
            case SiteTarget.ApiSocket when isGet:
                await sockets.HandleAsync(context, RoomNames.Api);
                break;
            case SiteTarget.Auth:
                await AuthAsync(context);
                break;
            default:
                await NotFound(context);
                break;
        }
    }

    private async Task ServeFileAsync(HttpContext context, string logicalPath)
    {
        var file = await files.FindAsync(logicalPath, context.RequestAborted);
        if (file is null)
        {
            await NotFound(context);
            return;
        }

        var response = context.Response;
        response.Headers.ETag = file.ETag;
        response.Headers.CacheControl = $"public, max-age={maxCacheAge}";
        if (file.ContentType is not null)
        {
            response.ContentType = file.ContentType;
        }

        if (context.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } ifNoneMatch
            && ifNoneMatch.Split(',').Any(tag => tag.Trim() == file.ETag || tag.Trim() == "*"))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentLength = file.Content.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(file.Content, context.RequestAborted);
        }
    }

    /// <summary>
    /// Issues (or renews) the identity cookie without a WebSocket; the original browser client
    /// calls this once before connecting. The body is a random token, as the original's.
    /// </summary>
    private async Task AuthAsync(HttpContext context)
    {
        var payload = cookies.Read(context.Request.Headers.Cookie.ToString()) ?? new JsonObject();
        payload["uuid"] = IdentityCookie.UuidOf(payload) ?? uuids.FromId(ids.Next());
        context.Response.Headers.Append("Set-Cookie", cookies.SetCookieHeader(payload, time.GetUtcNow()));
        string token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        context.Response.Headers["X-Magic-Cookie"] = "\"" + token + "\"";
        context.Response.Headers.CacheControl = "no-store";
        await PlainText(context, StatusCodes.Status200OK, token);
    }

    private static Task NotFound(HttpContext context) => PlainText(context, StatusCodes.Status404NotFound, "404 Not Found");

    private static Task PlainText(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(text);
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync(text);
    }
}
