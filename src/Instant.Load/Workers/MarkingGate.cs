using Instant.Load.Scenarios;

namespace Instant.Load.Workers;

/// <summary>
/// The phase gate of a run in one process: nobody to wait for, so every phase is released at
/// once, after <paramref name="released"/> has noted it (the coordinator reads the server's CPU
/// there, as it does when it releases worker processes).
/// </summary>
internal sealed class MarkingGate(Action<string> released) : IPhaseGate
{
    public Task ArriveAsync(string phase, CancellationToken ct)
    {
        released(phase);
        return Task.CompletedTask;
    }
}
