using Akka.TestKit;
using Instant.Actors.Connections;
using Xunit;

namespace Instant.Actors.Tests.Rooms;

/// <summary>Frames a connection probe receives, whether one per message or several in one.</summary>
internal static class Deliveries
{
    /// <summary>The next <paramref name="count"/> frames, however the room and relay batched them.</summary>
    public static List<byte[]> ExpectFrames(this TestProbe probe, int count)
    {
        var frames = new List<byte[]>();
        while (frames.Count < count)
        {
            switch (probe.ExpectMsg<object>())
            {
                case Deliver one:
                    frames.Add(one.Frame);
                    break;
                case DeliverFrames many:
                    frames.AddRange(many.Frames);
                    break;
                case var other:
                    throw new Xunit.Sdk.XunitException($"not a delivery: {other}");
            }
        }

        Assert.Equal(count, frames.Count);
        return frames;
    }
}
