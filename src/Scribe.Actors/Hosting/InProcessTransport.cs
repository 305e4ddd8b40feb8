using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Protocol;
using Scribe.Actors.Protocol;

namespace Scribe.Actors.Hosting;

/// <summary>
/// Scribe's client frames into an in-process <see cref="ConnectionActor"/>, exactly as a
/// WebSocket's receive loop would hand them over (parsed by the same codec). Frames sent
/// before the connection actor is known are held and delivered once it is attached.
/// </summary>
internal sealed class InProcessTransport : IScribeTransport
{
    private readonly object _gate = new();
    private readonly List<byte[]> _early = new();
    private IActorRef? _connection;

    public bool? ClosedFinal { get; private set; }

    public void Attach(IActorRef connection)
    {
        lock (_gate)
        {
            _connection = connection;
            foreach (var frame in _early)
            {
                Deliver(connection, frame);
            }

            _early.Clear();
            if (ClosedFinal is not null)
            {
                connection.Tell(SocketClosed.ByClient);
            }
        }
    }

    public void Send(byte[] frame)
    {
        lock (_gate)
        {
            if (ClosedFinal is not null)
            {
                return;
            }

            if (_connection is null)
            {
                _early.Add(frame);
                return;
            }

            Deliver(_connection, frame);
        }
    }

    public void Close(bool final)
    {
        lock (_gate)
        {
            if (ClosedFinal is not null)
            {
                return;
            }

            ClosedFinal = final;
            _connection?.Tell(SocketClosed.ByClient);
        }
    }

    private static void Deliver(IActorRef connection, byte[] frame)
        => connection.Tell(ClientFrameParser.TryParse(frame) is { } parsed ? parsed : new FrameRejected(ProtocolError.InvalidJson));
}
