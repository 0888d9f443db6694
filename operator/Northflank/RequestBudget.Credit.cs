using System.Net;

namespace SandboxOperator.Northflank;

/// <summary>The bucket's arithmetic: refill, take, pause, the server's corrections, and when a caller would be served.</summary>
public sealed partial class RequestBudget
{
    /// <summary>
    /// Stops the whole budget for <paramref name="retryAfter"/> (after a 429), at most for the budget's longest pause:
    /// nobody gets a request until then, and afterwards one request is available at once, the rest at the sustained rate.
    /// </summary>
    public void PauseFor(TimeSpan retryAfter)
    {
        if (retryAfter <= TimeSpan.Zero)
        {
            return;
        }

        lock (gate)
        {
            var now = time.GetUtcNow();
            PauseUntilLocked(now, now + retryAfter);
        }
    }

    /// <summary>
    /// Takes the server's word for the account's window (<paramref name="remaining"/> requests left until
    /// <paramref name="resetAt"/>, of <paramref name="limit"/>): never raises the budget, lowers it to what is spare, slows
    /// its refill to spread that over the window, and pauses until the reset (at most the longest pause) when nothing is spare.
    /// </summary>
    public void Correct(int remaining, DateTimeOffset? resetAt, int? limit = null)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            Refill(now);
            if (resetAt is { } reset && reset > now)
            {
                account.Update(remaining, reset, limit);
            }

            var spare = account.Spare(now) ?? Math.Max(0, remaining);
            creditTicks = Math.Min(creditTicks, spare * intervalTicks);
            if (spare == 0 && resetAt is { } until && until > now)
            {
                // After the capped pause one request asks again, whatever the server said about the window.
                account.DoubtFrom(Min(until, now + maxPause));
                PauseUntilLocked(now, until);
            }
            else
            {
                Schedule(now);
            }
        }
    }

    /// <summary>
    /// A throttled error for a caller of <paramref name="priority"/> that must not wait now (e.g. after Northflank's
    /// 429): when it would be served, one request's time (at the current rate) after the last caller put off.
    /// </summary>
    public NorthflankApiException Defer(RequestPriority priority)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            Refill(now);
            return DeferLocked(now, Math.Clamp((int)priority, 0, PriorityCount - 1), BudgetCaller.Current);
        }
    }

    /// <summary>
    /// When a caller of priority <paramref name="index"/> arriving now would be served: after everyone queued at or above
    /// its priority, at the current refill rate, and not before a pause ends (or, with nothing spare, the window resets).
    /// </summary>
    private DateTimeOffset Estimate(DateTimeOffset now, int index)
    {
        long ahead = OverdueAfter(now, index);
        for (var i = 0; i <= index; i++)
        {
            ahead += queues[i].Count;
        }

        var need = (ahead + 1) * intervalTicks - creditTicks;
        var start = refilledUntil > now ? refilledUntil : now;
        var factor = account.RefillFactor(now, intervalTicks);
        var at = factor <= 0 ? account.ResetAt + TimeSpan.FromTicks(ahead * intervalTicks)
            : need <= 0 ? start
            : start + TimeSpan.FromTicks((long)Math.Ceiling(need / factor));
        return at > pausedUntil ? at : pausedUntil;
    }

    private NorthflankApiException DeferLocked(DateTimeOffset now, int index, string? caller)
    {
        var estimate = Estimate(now, index);
        var servedAt = PlaceInLine(now, estimate, caller);
        var why = now < pausedUntil || account.Spare(now) == 0
            ? "Northflank's rate limit for it is reached"
            : "the operator's request budget for it is spent";
        return new NorthflankApiException(HttpStatusCode.TooManyRequests, why, NorthflankApiException.DeferredErrorId, servedAt - now)
        {
            ServedAt = servedAt,
        };
    }

    /// <summary>
    /// When a caller put off now is served: a caller already in line keeps its place; a new one goes one request's time
    /// (at the rate the budget refills now, slower while the server says the account is short) after the last one in
    /// line. A caller for nobody in particular (see <see cref="BudgetCaller"/>) is told the estimate and takes no place.
    /// </summary>
    private DateTimeOffset PlaceInLine(DateTimeOffset now, DateTimeOffset estimate, string? caller)
    {
        if (caller is null)
        {
            return estimate;
        }

        foreach (var passed in inLine.Where(p => p.Value < now).Select(p => p.Key).ToList())
        {
            inLine.Remove(passed);
        }

        if (inLine.TryGetValue(caller, out var held) && held >= estimate)
        {
            return held;
        }

        var servedAt = estimate > deferredUntil ? estimate : deferredUntil;
        var factor = account.RefillFactor(now, intervalTicks);
        deferredUntil = servedAt + TimeSpan.FromTicks(factor > 0 ? (long)(intervalTicks / factor) : intervalTicks);
        inLine[caller] = servedAt;
        return servedAt;
    }

    private void PauseUntilLocked(DateTimeOffset now, DateTimeOffset until)
    {
        Refill(now);
        until = Min(until, now + maxPause);
        if (until > pausedUntil)
        {
            pausedUntil = until;
        }

        // The server has nothing left for us until the pause ends; then it has at least one request.
        creditTicks = intervalTicks;
        if (pausedUntil > refilledUntil)
        {
            refilledUntil = pausedUntil;
        }

        Schedule(now);
    }

    private void Refill(DateTimeOffset now)
    {
        if (now <= refilledUntil)
        {
            return;
        }

        var elapsed = (long)((now - refilledUntil).Ticks * account.RefillFactor(now, intervalTicks));
        creditTicks = elapsed >= capacityTicks - creditTicks ? capacityTicks : creditTicks + elapsed;
        refilledUntil = now;
    }

    private bool TryTake(DateTimeOffset now)
    {
        if (now < pausedUntil || creditTicks < intervalTicks || account.Spare(now) == 0)
        {
            return false;
        }

        creditTicks -= intervalTicks;
        account.Took(now);
        return true;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
