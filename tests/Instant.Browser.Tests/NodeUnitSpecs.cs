using System.Diagnostics;
using Xunit;

namespace Instant.Browser.Tests;

/// <summary>
/// Runs the client's pure-logic unit tests (js/*.test.js: formatter, hue function, helpers)
/// with node's built-in runner, so `dotnet test` counts them.
/// </summary>
public sealed class NodeUnitSpecs
{
    /// <summary>
    /// `node` from PATH, else the node that ships inside Playwright's driver in our output
    /// folder, so a machine with only the .NET SDK still runs these tests.
    /// </summary>
    private static string NodeExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "node");
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        var bundled = Path.Combine(AppContext.BaseDirectory, ".playwright", "node", rid, "node");
        if (!File.Exists(bundled))
        {
            bundled = Path.Combine(AppContext.BaseDirectory, ".playwright", "node", "linux-x64", "node");
        }

        return File.Exists(bundled) ? bundled : throw new InvalidOperationException("no node on PATH and none bundled with Playwright");
    }

    [Fact]
    public async Task Formatter_and_hue_unit_tests_pass_under_node()
    {
        var tests = Path.Combine(TestServer.RepositoryRoot, "tests", "Instant.Browser.Tests", "js");
        var start = new ProcessStartInfo(NodeExecutable())
        {
            WorkingDirectory = TestServer.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--test");
        start.ArgumentList.Add("--test-reporter=spec");
        foreach (var file in Directory.GetFiles(tests, "*.test.js").Order(StringComparer.Ordinal))
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, "node --test failed:\n" + output);
        // The runner's summary: some tests ran and none failed.
        var ran = System.Text.RegularExpressions.Regex.Match(output, @"tests (\d+)");
        Assert.True(ran.Success && int.Parse(ran.Groups[1].Value) > 0, "no node tests ran:\n" + output);
        Assert.Matches(@"fail 0\b", output);
    }
}
