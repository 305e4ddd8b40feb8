using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace Instant.Run.Tests;

/// <summary>
/// An install made once for the specs of <see cref="InstalledLayoutCollection"/>: scripts/install.sh
/// --no-build into a scratch PREFIX, publishing the Release build that ./test.sh made.
/// </summary>
public sealed class InstalledLayout : IAsyncLifetime
{
    public string Prefix { get; } = Path.Combine(Path.GetTempPath(), "instant-install-" + Guid.NewGuid().ToString("N")[..8]);

    public string Output { get; private set; } = string.Empty;

    public int ExitCode { get; private set; } = -1;

    public static string RepositoryRoot => Path.GetFullPath(typeof(InstalledLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!);

    public string Bin(string name) => Path.Combine(Prefix, "bin", name);

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "scripts", "install.sh"), "--no-build", Prefix])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("scripts/install.sh did not finish within 5 minutes");
        }

        Output = await stdout + await stderr;
        ExitCode = process.ExitCode;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Prefix))
        {
            Directory.Delete(Prefix, recursive: true);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The specs that share one <see cref="InstalledLayout"/>.</summary>
[CollectionDefinition(Name)]
public sealed class InstalledLayoutCollection : ICollectionFixture<InstalledLayout>
{
    public const string Name = "installed layout";
}
