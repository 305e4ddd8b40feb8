using Instant.Actors.Rooms;

namespace Instant.Web.Http;

/// <summary>What a request path means: a file to serve, a redirect, or nothing.</summary>
public abstract record SiteTarget
{
    public sealed record File(string LogicalPath) : SiteTarget;

    public sealed record Redirect(string Location) : SiteTarget;

    public sealed record RoomSocket(string Room) : SiteTarget;

    public sealed record ApiSocket : SiteTarget;

    public sealed record Auth : SiteTarget;
}

/// <summary>
/// The site's URL scheme (PROTOCOL.md section 1): <c>/</c>, <c>/NAME.html</c>,
/// <c>/favicon.ico</c>, <c>/room/NAME/</c> (and its redirect), <c>/static/…</c>, <c>/pages/…</c>,
/// the WebSocket endpoints and <c>/api/auth</c>.
/// </summary>
public static class SitePaths
{
    public static SiteTarget? Resolve(string path, string query)
    {
        switch (path)
        {
            case "/":
                return new SiteTarget.File("pages/main.html");
            case "/favicon.ico":
                return new SiteTarget.File("static/logo-static_128x128.ico");
            case "/api/ws":
                return new SiteTarget.ApiSocket();
            case "/api/auth":
                return new SiteTarget.Auth();
        }

        var segments = path.Split('/');
        // segments[0] is the empty string before the leading slash.
        if (segments.Length == 2 && segments[1].EndsWith(".html", StringComparison.Ordinal) && segments[1].Length > 5)
        {
            return new SiteTarget.File("pages/" + segments[1]);
        }

        if (segments.Length >= 3 && segments[1] == "room")
        {
            string room = segments[2];
            if (!RoomNames.IsValid(room))
            {
                return null;
            }

            return segments.Length switch
            {
                3 => new SiteTarget.Redirect("/room/" + room + "/" + query),
                4 when segments[3].Length == 0 => new SiteTarget.File("static/room.html"),
                4 when segments[3] == "ws" => new SiteTarget.RoomSocket(room),
                _ => null,
            };
        }

        if (segments.Length >= 3 && segments[1] is "static" or "pages")
        {
            return new SiteTarget.File(path[1..]);
        }

        return null;
    }
}
