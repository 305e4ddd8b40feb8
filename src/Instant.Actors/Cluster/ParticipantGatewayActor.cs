using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Diagnostics;

namespace Instant.Actors.Cluster;

/// <summary>
/// Each node's door for unicasts from <c>/api/ws</c> connections of other nodes: it hands the
/// frame to the participant's connection if this node holds it, and answers the sender either way.
/// Lives at <see cref="Path"/> on every node.
/// </summary>
public sealed class ParticipantGatewayActor : ReceiveActor
{
    public const string Name = "participants";

    public ParticipantGatewayActor(ParticipantDirectory directory, ConnectionMetrics metrics)
    {
        Receive<RemoteUnicast>(unicast =>
        {
            var connection = directory.Find(unicast.To);
            if (connection is not null)
            {
                metrics.FramesOut(unicast.Frame);
                connection.Tell(new Deliver(unicast.Frame));
            }

            Sender.Tell(new RemoteUnicastDone(unicast.To, unicast.MessageId, unicast.Seq, connection is not null));
        });
    }

    /// <summary>Where the gateway is on every node.</summary>
    public static string Path => "/user/" + Name;

    public static Props Props(ParticipantDirectory directory, ConnectionMetrics metrics)
        => Akka.Actor.Props.Create(() => new ParticipantGatewayActor(directory, metrics));
}

/// <summary>An encoded <c>unicast</c> frame for participant <paramref name="To"/>, if the receiving node holds it.</summary>
public sealed record RemoteUnicast(long To, long MessageId, byte[] Seq, byte[] Frame) : IClusterMessage;

/// <summary>The gateway's answer to a <see cref="RemoteUnicast"/>: whether it reached the participant.</summary>
public sealed record RemoteUnicastDone(long To, long MessageId, byte[] Seq, bool Delivered) : IClusterMessage;
