using Instant.Actors.Hosting;
using Scribe.Actors.Protocol;

namespace Scribe.Actors.Hosting;

/// <summary>
/// Scribe's side of an <see cref="InProcessParticipant"/>: its client frames go to the
/// participant, and closing remembers whether Scribe is done for good (<c>DontStay</c>) or
/// wants the connection re-established.
/// </summary>
internal sealed class ParticipantTransport(InProcessParticipant participant) : IScribeTransport
{
    private const int Open = 0, ClosedToReconnect = 1, ClosedForGood = 2;
    private int _state = Open;

    /// <summary>True once Scribe closed the connection for good.</summary>
    public bool ClosedFinal => Volatile.Read(ref _state) == ClosedForGood;

    public void Send(byte[] frame) => participant.Send(frame);

    public void Close(bool final)
    {
        if (Interlocked.CompareExchange(ref _state, final ? ClosedForGood : ClosedToReconnect, Open) == Open)
        {
            participant.Leave();
        }
    }
}
