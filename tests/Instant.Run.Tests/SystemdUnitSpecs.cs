using System.Diagnostics;
using Xunit;

namespace Instant.Run.Tests;

/// <summary>
/// samples/systemd's units (docs/RUN.md, As a systemd service), pointed at an install made by
/// scripts/install.sh, pass <c>systemd-analyze verify</c> without a complaint.
/// </summary>
[Collection(InstalledLayoutCollection.Name)]
public sealed class SystemdUnitSpecs(InstalledLayout install)
{
    [Theory]
    [InlineData("instant.service", "instant.service")]
    [InlineData("scribe@.service", "scribe@welcome.service")]
    public async Task The_sample_unit_verifies_against_the_installed_layout(string sample, string unit)
    {
        Assert.True(install.ExitCode == 0, install.Output);
        string text = await File.ReadAllTextAsync(Path.Combine(InstalledLayout.RepositoryRoot, "samples", "systemd", sample));
        Assert.Contains("ExecStart=/opt/instant/bin/", text, StringComparison.Ordinal);
        using var scratch = new ScratchDirectory();
        // Every sample unit beside it: scribe@ requires instant.service.
        foreach (var file in Directory.GetFiles(Path.Combine(InstalledLayout.RepositoryRoot, "samples", "systemd"), "*.service"))
        {
            string name = Path.GetFileName(file) == sample ? unit : Path.GetFileName(file).Replace("@.", "@other.", StringComparison.Ordinal);
            string content = await File.ReadAllTextAsync(file);
            await File.WriteAllTextAsync(Path.Combine(scratch.Path, name), content.Replace("/opt/instant", install.Prefix, StringComparison.Ordinal));
        }

        string? analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (analyze is null)
        {
            // No systemd here: at least the program the unit starts is where the install put it.
            string exec = text.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))[10..].Split(' ')[0];
            Assert.True(File.Exists(exec.Replace("/opt/instant", install.Prefix, StringComparison.Ordinal)), exec);
            return;
        }

        string[] units = Directory.GetFiles(scratch.Path).Select(f => "./" + Path.GetFileName(f)).ToArray();
        var start = new ProcessStartInfo(analyze, ["verify", .. units]) { WorkingDirectory = scratch.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        string said = (await stdout + await stderr).Trim();
        Assert.True(process.ExitCode == 0, said);
        // verify only warns (exit 0) about a line it cannot parse: any word about our unit is a failure.
        Assert.DoesNotContain(unit, said, StringComparison.Ordinal);
    }

    private sealed class ScratchDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("unit-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
