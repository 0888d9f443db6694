using System.Net;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank.FlowControl;

/// <summary>The bucket's arithmetic: refill, take, pause, the server's corrections, and when a caller would be served.</summary>
public sealed partial class RequestBudget
{
    /// <summary>
    /// Time between two requests at the rate the budget grants them now: the paced rate while the server's window is in
    /// its reserve (faster or slower than the own rate, as what is spare and the time to the reset say), else the own rate.
    /// </summary>
    public TimeSpan CurrentInterval
    {
        get
        {
            lock (gate)
            {
                return CurrentIntervalLocked(time.GetUtcNow());
            }
        }
    }

    /// <summary>Time between two requests while the server's window is in its reserve; null otherwise (see <see cref="AccountWindow.PacedInterval"/>).</summary>
    public TimeSpan? PacedInterval
    {
        get
        {
            lock (gate)
            {
                return account.PacedInterval(time.GetUtcNow());
            }
        }
    }

    /// <summary>Whole requests that could go out right now, unpaced (0 while paused).</summary>
    public int Remaining
    {
        get
        {
            lock (gate)
            {
                var now = time.GetUtcNow();
                Refill(now);
                if (now < pausedUntil)
                {
                    return 0;
                }

                return account.Spare(now) is null ? (int)(creditTicks / intervalTicks)
                    : (int)Math.Clamp(account.Free(now), account.CanTake(now) ? 1 : 0, int.MaxValue);
            }
        }
    }

    /// <summary>
    /// Sandboxes that use the token (its holders): the window's reserve keeps one DELETE for each. Set by whoever counts
    /// them (the factory), whenever the count changes.
    /// </summary>
    public int Holders
    {
        get
        {
            lock (gate)
            {
                return account.Holders;
            }
        }

        set
        {
            lock (gate)
            {
                var holders = Math.Max(0, value);
                // A holder that goes has, as a rule, sent its DELETE: it leaves the count of those that did. One that
                // goes without (moved, never created) makes the reserve one larger for a while: the careful side.
                var gone = Math.Max(0, account.Holders - holders);
                account.DeletesSent = Math.Clamp(account.DeletesSent - gone, 0, holders);
                account.Holders = holders;
            }
        }
    }

    /// <summary>
    /// A holder's DELETE was answered: the DELETE its reserve kept is spent, so the rest of a mass delete is not paced
    /// for it. A repeated DELETE counts again; the count never exceeds <see cref="Holders"/> and falls as holders go.
    /// </summary>
    public void DeleteSent()
    {
        lock (gate)
        {
            account.DeletesSent = Math.Min(account.Holders, account.DeletesSent + 1);
            Schedule(time.GetUtcNow());
        }
    }

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
            // The server refused although the window's count said there was room: that count is wrong (another client,
            // a lost header). After the pause one request asks again, as at the start of a window, before any burst.
            account.DoubtFrom(Min(now + retryAfter, now + maxPause));
            PauseUntilLocked(now, now + retryAfter);
        }
    }

    /// <summary>
    /// Takes the server's word for the account's window (<paramref name="remaining"/> requests left until
    /// <paramref name="resetAt"/>, of <paramref name="limit"/>): from then on the window decides how much goes out (see
    /// <see cref="AccountWindow"/>) until it resets; the bucket is never left holding more than is spare; and when nothing
    /// is spare the budget pauses until the reset (at most the longest pause).
    /// </summary>
    public void Correct(int remaining, DateTimeOffset? resetAt, int? limit = null)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            Refill(now);
            if (resetAt is { } reset && reset > now)
            {
                account.Update(remaining, reset, limit, now);
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
            return DeferLocked(now, Math.Clamp((int)priority, 0, PriorityCount - 1), BudgetCaller.Current, BudgetCaller.Tenant);
        }
    }

    /// <summary>
    /// When a caller of priority <paramref name="index"/> and <paramref name="tenant"/> arriving now would be served:
    /// after everyone queued at a more urgent priority and those of its own that go before it in turn, at the rate the
    /// window or the bucket grants, and not before a pause ends.
    /// </summary>
    private DateTimeOffset Estimate(DateTimeOffset now, int index, string? tenant)
    {
        long ahead = OverdueAfter(now, index) + queues[index].AheadOf(tenant);
        for (var i = 0; i < index; i++)
        {
            ahead += queues[i].Count;
        }

        var at = NextGrantAt(now, ahead + 1);
        return at > pausedUntil ? at : pausedUntil;
    }

    /// <summary>
    /// When the <paramref name="n"/>-th request from now could be granted, were no other caller to come (pauses aside):
    /// as the server's window allows while it is known (after its reset when it cannot hold them), else as the bucket refills.
    /// </summary>
    private DateTimeOffset NextGrantAt(DateTimeOffset now, long n)
    {
        if (account.Spare(now) is { } spare)
        {
            return account.GrantAt(now, n) ?? account.ResetAt + TimeSpan.FromTicks(Math.Max(0, n - 1 - spare) * intervalTicks);
        }

        // Credit is counted from refilledUntil, which a pause can put in the future.
        var start = refilledUntil > now ? refilledUntil : now;
        var need = n * intervalTicks - creditTicks;
        return need <= 0 ? start : start + TimeSpan.FromTicks(need);
    }

    private TimeSpan CurrentIntervalLocked(DateTimeOffset now) => account.PacedInterval(now) ?? TimeSpan.FromTicks(intervalTicks);

    private NorthflankApiException DeferLocked(DateTimeOffset now, int index, string? caller, string? tenant)
    {
        var estimate = Estimate(now, index, tenant);
        var servedAt = PlaceInLine(now, estimate, caller, tenant);
        var why = now < pausedUntil || account.Spare(now) == 0
            ? "Northflank's rate limit for it is reached"
            : "the operator's request budget for it is spent";
        return new NorthflankApiException(HttpStatusCode.TooManyRequests, why, NorthflankApiException.DeferredErrorId, servedAt - now)
        {
            ServedAt = servedAt,
        };
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

    /// <summary>The bucket refills at its own rate whatever the window says, so it is full again when a window is unknown.</summary>
    private void Refill(DateTimeOffset now)
    {
        if (now <= refilledUntil)
        {
            return;
        }

        var elapsed = (now - refilledUntil).Ticks;
        creditTicks = elapsed >= capacityTicks - creditTicks ? capacityTicks : creditTicks + elapsed;
        refilledUntil = now;
    }

    /// <summary>
    /// One request, if one may go now: while the server's window is known it alone decides (its spare and reserve), and
    /// the bucket is not charged, since the window counts every request; before that, the bucket.
    /// </summary>
    private bool TryTake(DateTimeOffset now)
    {
        if (now < pausedUntil)
        {
            return false;
        }

        if (account.Spare(now) is not null)
        {
            if (!account.CanTake(now))
            {
                return false;
            }
        }
        else if (creditTicks >= intervalTicks)
        {
            creditTicks -= intervalTicks;
        }
        else
        {
            return false;
        }

        account.Took(now);
        return true;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
