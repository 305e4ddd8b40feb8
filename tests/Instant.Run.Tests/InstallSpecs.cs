using System.Diagnostics;
using Xunit;

namespace Instant.Run.Tests;

/// <summary>scripts/install.sh (docs/RUN.md, Installing): the four executables in PREFIX/bin, each of which runs.</summary>
[Collection(InstalledLayoutCollection.Name)]
public sealed class InstallSpecs(InstalledLayout install)
{
    [Theory]
    [InlineData("instant")]
    [InlineData("scribe")]
    [InlineData("instant-run")]
    [InlineData("instant-load")]
    public async Task Each_executable_is_in_bin_and_runs_from_there(string name)
    {
        Assert.True(install.ExitCode == 0, install.Output);
        string path = install.Bin(name);
        Assert.True(File.Exists(path), $"{path} is missing; install said: {install.Output}");
        // A link into the program's own folder, which holds its framework-dependent app host.
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)!;
        Assert.Equal(Path.Combine(install.Prefix, "lib", name, name), target.FullName);
        Assert.True(File.Exists(Path.Combine(install.Prefix, "lib", name, name + ".runtimeconfig.json")));

        var start = new ProcessStartInfo(path, ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains(name, await stdout, StringComparison.Ordinal);
    }
}
