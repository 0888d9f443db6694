namespace NorthflankSimulator.Pipeline;

internal sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, TimeSpan ResetIn);

/// <summary>
/// A fixed window per key (an account, see SimulatorToken.Account): the window opens at the key's first request and lasts
/// Window / TimeScale of clock time, as use-the-api.md says the limit "resets one hour after the first request".
/// Fixed (not sliding) so X-RateLimit-Reset is exact and a test can predict when requests are allowed again.
/// Rejected requests do not count against the next window.
/// </summary>
internal sealed class RateLimiter(RateLimitOptions options, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (DateTimeOffset Start, int Count)> windows = new(StringComparer.Ordinal);
    private RateLimitOptions options = options.Clone();

    public RateLimitOptions Options
    {
        get
        {
            lock (gate)
            {
                return options.Clone();
            }
        }
    }

    /// <summary>New settings start every token's window afresh.</summary>
    public void Configure(RateLimitOptions options)
    {
        if (options.Limit < 0 || options.Window <= TimeSpan.Zero || options.TimeScale <= 0)
        {
            throw new ArgumentException("Rate limit needs Limit >= 0, a positive Window and a positive TimeScale.");
        }

        lock (gate)
        {
            this.options = options.Clone();
            windows.Clear();
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            windows.Clear();
        }
    }

    /// <summary>Counts one request for <paramref name="key"/>; null when rate limiting is off.</summary>
    public RateLimitDecision? Acquire(string key)
    {
        lock (gate)
        {
            if (!options.Enabled)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var window = options.RealWindow;
            if (!windows.TryGetValue(key, out var current) || now >= current.Start + window)
            {
                current = (now, 0);
            }

            var allowed = current.Count < options.Limit;
            if (allowed)
            {
                current.Count++;
            }

            windows[key] = current;
            return new RateLimitDecision(allowed, options.Limit, options.Limit - current.Count, current.Start + window - now);
        }
    }
}
