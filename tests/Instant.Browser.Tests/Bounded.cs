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

/// <summary>Waits for a condition observed from outside the page (frames seen by Playwright), with a deadline.</summary>
public static class AwaitCondition
{
    public static async Task IsTrueAsync(Func<bool> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }
}
