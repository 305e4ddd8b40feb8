using System.Runtime.Serialization;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Instant.Actors.Cluster;
using Instant.Actors.Rooms;
using Xunit;

namespace Instant.Actors.Tests.Cluster;

public class ClusterMessageSerializerSpecs : TestKit
{
    public ClusterMessageSerializerSpecs()
        : base(ClusterSerialization.Bound())
    {
    }

    /// <summary>One filled-in example of every message that may cross nodes.</summary>
    public static IEnumerable<object[]> Messages()
    {
        var seq = "{\"n\":1}"u8.ToArray();
        var data = "{\"text\":\"h\u00e9\"}"u8.ToArray();
        yield return [new LeaveRoom("r", 5)];
        yield return [new BroadcastToRoom("r", 5, seq, data)];
        yield return [new UnicastInRoom("r", 5, seq, "0000000000000007", data)];
        yield return [new UnicastInRoom("r", 5, default, null, data)];
        yield return [new WhoInRoom("r", 5, seq)];
        yield return [new AttachMember("r", 5, "uuid-5", true)];
        yield return [new ReattachMembers("r", [new RoomMember(5, "u5"), new RoomMember(6, "u6")], 99)];
        yield return [new RelayAttached("r")];
        yield return [new RelayRoster(["akka.tcp://instant@a:1", "akka.tcp://instant@b:2"], [5, 6, 7], [0, 1, 1])];
        yield return [new RelayFrame(data, 42)];
        yield return [new RelayFrame(data, 42) { ResponseTo = 5, Response = seq }];
        yield return [new RelayFrameTo(5, data)];
        yield return [new RelayFrameTo(5, [])];
        yield return [new RelayWhoTo(5, seq, 1_700_000_000_000, data)];
        yield return [new RelayWhoTo(5, default, 1, data)];
        yield return [new RelayPresence(data, 5, "akka.tcp://instant@a:1")];
        yield return [new RelayPresence(data, 5, null)];
        yield return [new RelayPresence([new PresenceChange(data, 5, "akka.tcp://instant@a:1"), new PresenceChange(seq, 6, null)])];
        yield return [new RemoteUnicast(5, 42, seq, data)];
        yield return [new RemoteUnicastDone(5, 42, seq, true)];
        yield return [new ClaimIdSlot(Address.Parse("akka.tcp://instant@127.0.0.1:4051"), -1)];
        yield return [new IdSlotTable([0, 3], ["akka.tcp://instant@a:1", "akka.tcp://instant@b:2"])];
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_cluster_message_round_trips_through_its_binary_form(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ClusterMessageSerializer>(serializer);
        var manifest = ((ClusterMessageSerializer)serializer).Manifest(message);

        var back = ((ClusterMessageSerializer)serializer).FromBinary(serializer.ToBinary(message), manifest);

        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void Every_type_marked_for_the_cluster_has_a_binary_form()
    {
        var covered = Messages().Select(m => m[0].GetType()).ToHashSet();
        var marked = typeof(IClusterMessage).Assembly.GetTypes()
            .Where(t => typeof(IClusterMessage).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract);

        Assert.All(marked, t => Assert.Contains(t, covered));
    }

    [Fact]
    public void A_short_or_unknown_message_is_a_serialization_error()
    {
        var serializer = new ClusterMessageSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(new BroadcastToRoom("room", 1, "1"u8.ToArray(), "2"u8.ToArray()));

        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^3], "B"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "nonsense"));
        Assert.Throws<SerializationException>(() => serializer.ToBinary("not a cluster message"));
    }

    /// <summary>Records compare byte arrays and lists by reference; compare their contents instead.</summary>
    private static string Describe(object message) => message switch
    {
        BroadcastToRoom m => $"B {m.Room} {m.From} {Text(m.Seq)} {Text(m.Data)}",
        UnicastInRoom m => $"U {m.Room} {m.From} {Text(m.Seq)} {m.To} {Text(m.Data)}",
        WhoInRoom m => $"W {m.Room} {m.From} {Text(m.Seq)}",
        ReattachMembers m => $"R {m.Room} {m.LastMessageId} {string.Join(",", m.Members)}",
        RelayRoster m => $"RR {string.Join(",", m.Nodes)} {string.Join(",", m.Ids)} {string.Join(",", m.NodeOf)}",
        RelayFrame m => $"RF {Text(m.Frame)} {m.MessageId} {m.ResponseTo} {(m.Response is null ? "-" : Text(m.Response))}",
        RelayFrameTo m => $"RT {m.Id} {Text(m.Frame)}",
        RelayWhoTo m => $"RW {m.Id} {Text(m.Seq)} {m.Timestamp} {Text(m.Participants)}",
        RelayPresence m => "RP " + string.Join(",", m.Changes.Select(c => $"{Text(c.Frame)} {c.Id} {c.Node ?? "-"}")),
        RemoteUnicast m => $"GU {m.To} {m.MessageId} {Text(m.Seq)} {Text(m.Frame)}",
        RemoteUnicastDone m => $"GD {m.To} {m.MessageId} {Text(m.Seq)} {m.Delivered}",
        IdSlotTable m => $"ST {string.Join(",", m.Slots)} {string.Join(",", m.Nodes)}",
        _ => message.ToString()!,
    };

    private static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);
}
