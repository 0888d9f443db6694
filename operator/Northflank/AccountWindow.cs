namespace SandboxOperator.Northflank;

/// <summary>
/// The account's rate-limit window as Northflank reports it on every answer (use-the-api.md: <c>x-ratelimit-limit</c>,
/// <c>x-ratelimit-remaining</c>, <c>x-ratelimit-reset</c> in seconds; the limit is the account's and resets one hour
/// after the first request). Other clients of the account (a CI job, a second cluster) spend the same window, so the
/// server's count is the truth and the budget's own is only an upper bound. Not thread-safe: the budget's lock guards it.
/// </summary>
internal sealed class AccountWindow(double headroom, int burstSize)
{
    private int? left;
    private int reserve;
    private DateTimeOffset resetAt;

    /// <summary>When the budget stops trusting the server's count before the window ends (see <see cref="DoubtFrom"/>).</summary>
    private DateTimeOffset doubtAt = DateTimeOffset.MaxValue;

    /// <summary>
    /// Takes the server's word. The reserve is the part of the window the budget would leave unspent on its own
    /// (limit × (1 − headroom) − burst): other clients' usage is what eats into it.
    /// </summary>
    public void Update(int remaining, DateTimeOffset reset, int? limit)
    {
        if (limit is { } l)
        {
            reserve = Math.Max(0, l - (int)Math.Floor(l * headroom) - burstSize);
        }

        left = remaining;
        resetAt = reset;
        doubtAt = DateTimeOffset.MaxValue;
    }

    /// <summary>
    /// Forgets the server's count at <paramref name="at"/> even if its window lasts longer, so that one request then
    /// asks again (its answer brings the count back). Used when nothing is spare: the pause until the reset is capped.
    /// </summary>
    public void DoubtFrom(DateTimeOffset at)
    {
        if (at < doubtAt)
        {
            doubtAt = at;
        }
    }

    /// <summary>Requests the operator may still send in this window (null when the server has not said, or the window ended).</summary>
    public int? Spare(DateTimeOffset now) => Known(now) ? Math.Max(0, left!.Value - reserve) : null;

    /// <summary>When the window ends, or the count is doubted (meaningful while <see cref="Spare"/> is not null).</summary>
    public DateTimeOffset ResetAt => resetAt < doubtAt ? resetAt : doubtAt;

    /// <summary>
    /// How fast the budget may refill, as a share of its own rate: spreading what is spare evenly over the rest of the
    /// window, so the operator slows down when others spend the account's hour instead of running into a 429.
    /// </summary>
    public double RefillFactor(DateTimeOffset now, long intervalTicks)
    {
        if (Spare(now) is not { } spare)
        {
            return 1;
        }

        if (spare == 0)
        {
            return 0;
        }

        var serverInterval = (resetAt - now).Ticks / (double)spare;
        return serverInterval <= intervalTicks ? 1 : intervalTicks / serverInterval;
    }

    /// <summary>One request granted: the server will count it too.</summary>
    public void Took(DateTimeOffset now)
    {
        if (Known(now))
        {
            left--;
        }
    }

    private bool Known(DateTimeOffset now)
    {
        if (left is null || now < ResetAt)
        {
            return left is not null;
        }

        left = null; // A new window (or a doubted count): the server's full limit again, until it says otherwise.
        doubtAt = DateTimeOffset.MaxValue;
        return false;
    }
}
