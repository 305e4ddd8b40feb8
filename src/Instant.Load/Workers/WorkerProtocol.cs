using System.Text.Json;
using System.Text.Json.Serialization;
using Instant.Load.Metrics;

namespace Instant.Load.Workers;

/// <summary>
/// Lines between the coordinator and its worker processes. Worker to coordinator on stdout:
/// <c>phase NAME</c>, <c>snap JSON</c> (an <see cref="IntervalSnapshot"/>), <c>final JSON</c>
/// (a <see cref="WorkerFinal"/>). Coordinator to worker on stdin: <c>go NAME</c> once every
/// worker has arrived at phase NAME.
/// </summary>
internal static class WorkerProtocol
{
    public const string Phase = "phase ", Go = "go ", Snap = "snap ", Final = "final ";

    public static string Encode(IntervalSnapshot s) => Snap + JsonSerializer.Serialize(s, WorkerJson.Default.IntervalSnapshot);
    public static string Encode(WorkerFinal f) => Final + JsonSerializer.Serialize(f, WorkerJson.Default.WorkerFinal);
    public static IntervalSnapshot DecodeSnap(string line) => JsonSerializer.Deserialize(line.AsSpan(Snap.Length), WorkerJson.Default.IntervalSnapshot)!;
    public static WorkerFinal DecodeFinal(string line) => JsonSerializer.Deserialize(line.AsSpan(Final.Length), WorkerJson.Default.WorkerFinal)!;
}

[JsonSerializable(typeof(IntervalSnapshot))]
[JsonSerializable(typeof(WorkerFinal))]
internal sealed partial class WorkerJson : JsonSerializerContext;
