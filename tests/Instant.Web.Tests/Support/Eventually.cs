namespace Instant.Web.Tests.Support;

/// <summary>
/// Retries a real check until it succeeds or a deadline passes (like TestKit's AwaitAssert),
/// for effects the server completes asynchronously after the event a test can observe.
/// </summary>
public static class Eventually
{
    public static async Task<T> SucceedsAsync<T>(Func<CancellationToken, Task<T>> attempt, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        Exception? last = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                return await attempt(deadline.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !deadline.IsCancellationRequested)
            {
                last = e;
            }

            try
            {
                // Pace the retries; the condition is re-checked for real each time.
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException("the condition did not hold in time", last);
    }

    public static Task SucceedsAsync(Func<CancellationToken, Task> attempt, TimeSpan? within = null)
        => SucceedsAsync(async ct =>
        {
            await attempt(ct);
            return true;
        }, within);
}
