namespace Scribe.Actors.Protocol;

/// <summary>
/// The connection as Scribe sees it, whatever carries it (a WebSocket for the standalone
/// client, an in-process connection when embedded): client→server frames go out as UTF-8 JSON.
/// </summary>
public interface IScribeTransport
{
    /// <summary>Sends one client→server frame (UTF-8 JSON). Must not block for long.</summary>
    void Send(byte[] frame);

    /// <summary>
    /// Closes the connection. <paramref name="final"/> is true when Scribe is done and must not
    /// reconnect (<c>--dont-stay</c>); false for a dead connection that should be re-established.
    /// </summary>
    void Close(bool final);
}
