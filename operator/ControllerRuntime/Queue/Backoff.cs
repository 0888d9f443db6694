namespace ControllerRuntime;

/// <summary>Exponential backoff with multiplicative jitter.</summary>
public static class Backoff
{
    /// <summary>
    /// <paramref name="baseDelay"/> * 2^<paramref name="attempt"/>, capped at <paramref name="maxDelay"/>, then scaled by a
    /// random factor in [1 - jitter, 1 + jitter] and capped again, so the result lies in
    /// [min(cap, base*2^n) * (1 - jitter), min(cap, base*2^n * (1 + jitter))].
    /// </summary>
    public static TimeSpan Exponential(TimeSpan baseDelay, TimeSpan maxDelay, int attempt, double jitter, Random? random = null)
    {
        attempt = Math.Clamp(attempt, 0, 62);
        var raw = baseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        var capped = Math.Min(raw, maxDelay.TotalMilliseconds);
        var factor = 1 + (jitter * ((2 * (random ?? Random.Shared).NextDouble()) - 1));
        var jittered = Math.Min(capped * factor, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }
}
