using Akka.Actor;

namespace Scribe.Actors.Hosting;

/// <summary>
/// Keeps each configured room's Scribe entity running: on start and then every
/// <paramref name="interval"/> it sends <see cref="EnsureScribe"/> for every room to the region.
/// Every node runs one, so the entity is back soon after its node is lost (wherever the region
/// places it), with no singleton to fail over first.
/// </summary>
public sealed class ScribeKeeperActor : ReceiveActor, IWithTimers
{
    private readonly IReadOnlyList<string> _rooms;
    private readonly IActorRef _region;
    private readonly TimeSpan _interval;

    public ScribeKeeperActor(IReadOnlyList<string> rooms, IActorRef region, TimeSpan interval)
    {
        _rooms = rooms;
        _region = region;
        _interval = interval;
        Receive<KeepScribes>(_ => Keep());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<string> rooms, IActorRef region, TimeSpan interval)
        => Akka.Actor.Props.Create(() => new ScribeKeeperActor(rooms, region, interval));

    protected override void PreStart()
    {
        Keep();
        Timers.StartPeriodicTimer("keep", KeepScribes.Instance, _interval);
    }

    private void Keep()
    {
        foreach (var room in _rooms)
        {
            _region.Tell(new EnsureScribe(room));
        }
    }

    private sealed record KeepScribes
    {
        public static readonly KeepScribes Instance = new();
    }
}
