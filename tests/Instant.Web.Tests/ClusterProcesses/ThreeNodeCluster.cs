using Xunit;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>One three-node <see cref="ProcessCluster"/> shared by the specs of a class that leave it whole (each in rooms of its own).</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    private ProcessCluster? _cluster;

    public ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _cluster = await ProcessCluster.StartAsync(3);

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }
}
