using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank.FlowControl;

/// <summary>
/// One token's <see cref="IRequestGate"/>: its <see cref="RequestBudget"/> (how much goes out, in which order) and its
/// <see cref="TokenCircuit"/> (whether Northflank answers it), as the wire client asks for them.
/// </summary>
/// <param name="budget">The token's budget, shared with every other user of the token.</param>
/// <param name="circuit">The token's circuit, told whether each call was answered; none: retries in place always.</param>
/// <param name="maxWait">Longest an attempt waits for the budget; a longer wait fails at once with when it will be served.</param>
/// <param name="pauseWithoutRetryAfter">How long the budget pauses after a 429 that carries no Retry-After.</param>
public sealed class TokenGate(RequestBudget budget, TokenCircuit? circuit, TimeSpan? maxWait, TimeSpan pauseWithoutRetryAfter) : IRequestGate
{
    public RequestBudget Budget { get; } = budget;

    public TokenCircuit? Circuit { get; } = circuit;

    public TimeSpan? PacedInterval => Budget.PacedInterval;

    public bool RetriesInPlace => Circuit?.IsOpen != true;

    public async ValueTask<TimeSpan> EnterAsync(RequestPriority priority, CancellationToken ct)
    {
        var waited = await Budget.AcquireAsync(priority, maxWait, ct);
        Circuit?.Attempted();
        return waited;
    }

    public void RateLimitSaid(int remaining, DateTimeOffset? resetAt, int? limit) => Budget.Correct(remaining, resetAt, limit);

    public Deferral Throttled(TimeSpan? retryAfter, RequestPriority priority)
    {
        // Paused (at most the budget's longest pause): this caller, like the others, is told when it will be served.
        Budget.PauseFor(retryAfter ?? pauseWithoutRetryAfter);
        var deferred = Budget.Defer(priority);
        return new Deferral(deferred.RetryAfter, deferred.ServedAt);
    }

    /// <summary>The budget's reserve kept this DELETE; it is spent.</summary>
    public void DeleteSent() => Budget.DeleteSent();

    public void Ended(NorthflankApiException? failure)
    {
        if (failure?.ErrorId == NorthflankApiException.DeferredErrorId)
        {
            return; // Put off by the budget: never sent, so it says nothing of Northflank.
        }

        if (failure is { IsOutage: true })
        {
            Circuit?.Failed();
        }
        else
        {
            Circuit?.Answered();
        }
    }
}
