using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Instant.Actors.Identity;
using Instant.Actors.Rooms;
using Instant.Web.Plugins;
using Instant.Web.Sockets;
using Microsoft.AspNetCore.Http;

namespace Instant.Web.Http;

/// <summary>
/// Answers every request: the plugins' hooks and files first (when any plugin added some), then
/// static and generated files, redirects, <c>/api/auth</c> and the WebSocket endpoints.
/// </summary>
public sealed class SiteHandler(
    StaticFileStore files,
    WebSocketEndpoint sockets,
    IdentityCookie cookies,
    UuidFactory uuids,
    IdGenerator ids,
    TimeProvider time,
    PluginRuntime plugins,
    int maxCacheAge,
    string serverHeader)
{
    private readonly PluginSite? _plugins = plugins.HandlesHttp ? new PluginSite(plugins) : null;

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.Server = serverHeader;
        var request = context.Request;
        string path = request.Path.Value ?? "/";
        string query = request.QueryString.Value ?? string.Empty;
        bool isGet = HttpMethods.IsGet(request.Method);
        if (_plugins is not null)
        {
            if (await _plugins.RunRequestHooksAsync(context))
            {
                return;
            }

            if (_plugins.Redirect(path, query) is { } redirect)
            {
                await RedirectAsync(context, redirect.Location, redirect.Status);
                return;
            }

            path = _plugins.Alias(path);
            if ((isGet || HttpMethods.IsHead(request.Method)) && _plugins.FindFile(path, query) is { } generated)
            {
                await ServeFileAsync(context, generated);
                return;
            }
        }

        var target = SitePaths.Resolve(path, query);
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
                await RedirectAsync(context, redirect.Location, StatusCodes.Status301MovedPermanently);
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

    private static Task RedirectAsync(HttpContext context, string location, int status)
    {
        if (!IsHeaderSafe(location))
        {
            // The query is echoed in Location, where control characters are not allowed.
            return PlainText(context, StatusCodes.Status400BadRequest, "400 Bad Request: control characters in the query");
        }

        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }

    private async Task ServeFileAsync(HttpContext context, string logicalPath)
    {
        await using var file = files.Find(logicalPath);
        if (file is null)
        {
            await NotFound(context);
            return;
        }

        await ServeFileAsync(context, file, _plugins?.ContentTypeOf("/" + logicalPath));
    }

    private async Task ServeFileAsync(HttpContext context, StaticFile file, string? contentType = null)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.ETag = file.ETag;
        response.Headers.CacheControl = $"public, max-age={maxCacheAge}";
        response.Headers.AcceptRanges = "bytes";
        if ((contentType ?? file.ContentType) is { } type)
        {
            response.ContentType = type;
        }

        if (request.Headers.IfNoneMatch.ToString() is { Length: > 0 } ifNoneMatch
            && ifNoneMatch.Split(',').Any(tag => tag.Trim() == file.ETag || tag.Trim() == "*"))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        // If-Range with another validator: the file changed, so the whole of it.
        string ifRange = request.Headers.IfRange.ToString();
        var range = ifRange.Length == 0 || ifRange == file.ETag ? ByteRange.Parse(request.Headers.Range.ToString(), file.Length) : null;
        long start = 0;
        long count = file.Length;
        if (range is { IsSatisfiable: false })
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{file.Length}";
            response.ContentLength = 0;
            return;
        }

        if (range is { } r)
        {
            (start, count) = (r.Start, r.Count);
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{start + count - 1}/{file.Length}";
        }

        response.ContentLength = count;
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        try
        {
            await file.CopyToAsync(response.Body, start, count, context.RequestAborted);
        }
        catch (IOException)
        {
            // The file changed under us, or the client left: the promised length cannot be kept.
            context.Abort();
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

    private static bool IsHeaderSafe(string value) => !value.Any(c => c is < ' ' or > '~');

    private static Task NotFound(HttpContext context) => PlainText(context, StatusCodes.Status404NotFound, "404 Not Found");

    private static Task PlainText(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(text);
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync(text);
    }
}
