namespace SandboxOperator.Northflank.Wire;

/// <summary>The wire client's own settings: where Northflank is, how long an attempt may take, how often it is retried in place.</summary>
public sealed record WireOptions
{
    /// <summary>Root of the API; the endpoint paths start with <c>/v1/</c>.</summary>
    public Uri BaseUrl { get; init; } = new("https://api.northflank.com");

    /// <summary>Longest one HTTP attempt may take; then it fails with <see cref="NorthflankApiException.Status"/> null.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries in place of idempotent calls Northflank did not answer, while the gate allows them; 0 turns them off.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        if (!BaseUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("BaseUrl must be absolute.", nameof(BaseUrl));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero, nameof(RetryBaseDelay));
    }
}
