using Instant.Run.Config;

namespace Instant.Run.Processes;

/// <summary>
/// The per-process operations behind every action; each returns the status text of a report
/// (e.g. <c>OK 1234</c>, <c>NOT_RUNNING</c>). Implemented locally with pid files and by the master.
/// </summary>
public interface IProcessRunner
{
    Task<string> StatusAsync(ProcessConfig process);
    Task<string> StartAsync(ProcessConfig process);
    Task<string> StopAsync(ProcessConfig process, bool wait);
    /// <summary>Starts a background instance that waits for its turn (bg-restart).</summary>
    Task<string> WarmupAsync(ProcessConfig process);
}
