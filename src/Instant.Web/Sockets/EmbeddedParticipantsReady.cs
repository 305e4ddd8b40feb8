using Instant.Actors.Connections;
using Microsoft.Extensions.Hosting;

namespace Instant.Web.Sockets;

/// <summary>
/// Holds the port closed until the in-process participants (embedded Scribes) have joined
/// their rooms, so no post made by the first clients is missed. Their actors start after the
/// actor system reports started; a connection registers in the directory in the same step
/// that sends its join to the room, and no client can connect before the bind, so the
/// directory's count says when they are in.
/// </summary>
public sealed class EmbeddedParticipantsReady(ParticipantDirectory directory, int expected) : IHostedService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        while (directory.Count < expected)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"only {directory.Count} of {expected} embedded Scribes joined their rooms within {Limit.TotalSeconds} s");
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
