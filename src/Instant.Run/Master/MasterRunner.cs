using Akka.Actor;
using Instant.Run.Config;
using Instant.Run.Processes;

namespace Instant.Run.Master;

/// <summary>The per-process operations of the master: questions to the process actors.</summary>
/// <remarks>Husks (processes no longer configured) can only be reported and stopped.</remarks>
public sealed class MasterRunner(Func<string, IActorRef> actorOf, Func<string, IReadOnlyList<string>?> notifyArguments, Func<string, bool> isHusk)
    : IProcessRunner
{
    // No operation of a live child is expected to take this long; it bounds a stuck one.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    public Task<string> StatusAsync(ProcessConfig process) => actorOf(process.Name).Ask<string>(new QueryStatus(), Limit);
    public Task<string> StartAsync(ProcessConfig process) =>
        isHusk(process.Name) ? Task.FromResult("NOT_SUPPORTED") : actorOf(process.Name).Ask<string>(new StartProcess(), Limit);
    public Task<string> StopAsync(ProcessConfig process, bool wait) => actorOf(process.Name).Ask<string>(new StopProcess(wait), Limit);

    public Task<string> WarmupAsync(ProcessConfig process) =>
        !isHusk(process.Name) && notifyArguments(process.Name) is { } arguments
            ? actorOf(process.Name).Ask<string>(new WarmupProcess(arguments), Limit)
            : Task.FromResult("NOT_SUPPORTED");
}
