using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank;

/// <summary>Settings of the Northflank client, shared by the clients of every token.</summary>
public sealed class NorthflankClientOptions
{
    public const string DefaultBaseUrl = "https://api.northflank.com";

    /// <summary>Root of the API; the endpoint paths start with <c>/v1/</c>.</summary>
    public Uri BaseUrl { get; set; } = new(DefaultBaseUrl);

    /// <summary>Longest one HTTP attempt may take; then it fails with <see cref="NorthflankApiException.Status"/> null.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Northflank's limit per token (1000 by default; can be raised on request).</summary>
    public int RequestsPerHour { get; set; } = 1000;

    /// <summary>Fraction of <see cref="RequestsPerHour"/> the operator uses, so it stays under the limit.</summary>
    public double Headroom { get; set; } = 0.9;

    /// <summary>
    /// Requests that may go out back to back after a quiet period. Over any hour at most
    /// <c>BurstSize + RequestsPerHour × Headroom</c> requests go out, so keep it below <c>RequestsPerHour × (1 − Headroom)</c>.
    /// </summary>
    public int BurstSize { get; set; } = 20;

    /// <summary>
    /// Automatic retries in place of idempotent calls after Northflank did not answer (no answer, 408, 5xx), while the
    /// token's circuit is closed; 0 turns them off. A 429 is never retried in place: the budget pauses and the caller
    /// comes back when it will be served.
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the whole budget pauses after a 429 that carries no Retry-After.</summary>
    public TimeSpan ThrottlePauseWithoutRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest pause of a token's budget after a 429 or an exhausted window, whatever Retry-After or the reset says; then
    /// one request asks again (see <see cref="RequestBudget.DefaultMaxPause"/> for why five minutes).
    /// </summary>
    public TimeSpan MaxThrottlePause { get; set; } = RequestBudget.DefaultMaxPause;

    /// <summary>
    /// Longest a call waits for its token's budget. A call that would wait longer is not sent but fails at once with when
    /// it would be served, so a worker never sits on a throttled token: the Sandbox says Throttled and comes back then.
    /// Five seconds is a little more than one interval at Northflank's default 1000 an hour (4 s), so a busy but
    /// unthrottled token still makes callers wait a moment rather than sending them away.
    /// </summary>
    public TimeSpan MaxBudgetWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-token circuit: wake the callers an outage sent into backoff as soon as Northflank answers the token again.</summary>
    public bool Circuit { get; set; } = true;

    /// <summary>
    /// While a token's circuit is open, a probe (one project list, at background priority) is sent when nothing else has
    /// called for this long; never more often than four budget intervals (at the rate the budget refills then, which the
    /// server's headers may slow), so probes take at most a quarter of the budget.
    /// </summary>
    public TimeSpan CircuitProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A token no Sandbox uses any more, and that made no call for this long, has its client, budget and metrics dropped.</summary>
    public TimeSpan UnusedTokenGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wire client's part of these settings.</summary>
    public WireOptions Wire => new() { BaseUrl = BaseUrl, RequestTimeout = RequestTimeout, MaxRetries = MaxRetries, RetryBaseDelay = RetryBaseDelay };

    public void Validate()
    {
        if (!BaseUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("BaseUrl must be absolute.", nameof(BaseUrl));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RequestsPerHour, nameof(RequestsPerHour));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BurstSize, nameof(BurstSize));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero, nameof(RetryBaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ThrottlePauseWithoutRetryAfter, TimeSpan.Zero, nameof(ThrottlePauseWithoutRetryAfter));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxThrottlePause, TimeSpan.Zero, nameof(MaxThrottlePause));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBudgetWait, TimeSpan.Zero, nameof(MaxBudgetWait));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CircuitProbeInterval, TimeSpan.Zero, nameof(CircuitProbeInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UnusedTokenGrace, TimeSpan.Zero, nameof(UnusedTokenGrace));
        if (!(Headroom > 0 && Headroom <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Headroom), Headroom, "Headroom must be in (0, 1].");
        }
    }
}
