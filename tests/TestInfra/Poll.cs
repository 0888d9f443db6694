namespace TestInfra;

/// <summary>Waits for eventually-consistent cluster state (controllers, RBAC caches) without fixed sleeps.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Calls <paramref name="condition"/> until it returns true; throws <see cref="TimeoutException"/> naming
    /// <paramref name="what"/> after <paramref name="timeout"/>. Exceptions from the condition propagate.
    /// </summary>
    public static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what, CancellationToken ct = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                if (await condition(deadline.Token))
                {
                    return;
                }

                await Task.Delay(Interval, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting until {what}.");
            }
        }
    }
}
