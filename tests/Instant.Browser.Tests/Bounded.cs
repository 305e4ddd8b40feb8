namespace Instant.Browser.Tests;

/// <summary>Every browser spec runs under a hard time limit, so a hang is a failure, not a stuck run.</summary>
public static class Bounded
{
    public static async Task RunAsync(Func<Task> body, int seconds = 120)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await body().WaitAsync(limit.Token);
    }
}
