namespace SandboxOperator.Northflank.FlowControl;

/// <summary>
/// The account's rate-limit window as Northflank reports it on every answer (use-the-api.md: <c>x-ratelimit-limit</c>,
/// <c>x-ratelimit-remaining</c>, <c>x-ratelimit-reset</c> in seconds; the limit is the account's and resets one hour
/// after the first request), and how much of it the budget may spend at once. Not thread-safe: the budget's lock guards it.
/// <para>
/// <b>The rule: spend the window, pace the reserve.</b> With <c>R</c> requests left until the reset at <c>T</c>:
/// <list type="bullet">
/// <item><c>spare = R − others</c>: <c>others = limit − ⌊limit × headroom⌋ − burst</c> (80 of 1000) is never spent, left
/// to the account's other clients (a CI job, a second cluster) and to our own requests in flight when the server counted.</item>
/// <item><c>reserve = holders + ⌈(T − now) / floor⌉</c>: what the rest of the window needs whatever comes before it, one
/// DELETE for every Sandbox the token holds that has not sent it yet, and looks at a floor pace (<c>floor</c> = <see cref="FloorIntervals"/>
/// budget intervals, 32 s at 1000 an hour, so at most 113 of a whole hour).</item>
/// <item><c>free = spare − reserve</c> requests go out at once, unpaced: a burst of creates on a fresh window is not
/// held back by a rate meant for a whole hour.</item>
/// <item>The rest (the reserve, or whatever is spare when that is less) is paced: a request goes once the time since the
/// last one is at least <c>(T − now) / spare</c>, so what is spare is spread evenly up to the reset, and a delete or a
/// look is served before it rather than stopped by an empty budget. The reserve is not earmarked (the budget cannot tell
/// a delete from a create): it is what the end of the window is spread over.</item>
/// </list>
/// Example at the default limit: a fresh window (R = 999, 59 min 59 s left) with 150 Sandboxes held lets
/// 919 − 150 − 113 = 656 requests go at once; the last 263 are spread over what is left of the hour. With 1000 Sandboxes
/// held nothing is free and the whole window is paced, one request per 3.9 s, as the old bucket did. Never more than
/// <c>R − others</c> go out in the window, so never more than the limit. Until the server has said (the first request of
/// a window, or after the reset), the budget's token bucket decides alone, as careful as before (20, then one per 4 s).
/// </para>
/// </summary>
internal sealed class AccountWindow(double headroom, int burstSize, long intervalTicks)
{
    /// <summary>The floor pace of looks the reserve keeps for the rest of the window, in budget intervals.</summary>
    public const int FloorIntervals = 8;

    /// <summary>
    /// A header whose reset lies this much later than the one held is a new window; within it, the reset rounds to whole
    /// seconds and arrives after the answer's latency. Far below the shortest window (a minute, in time-compressed tests).
    /// </summary>
    private static readonly TimeSpan SameWindow = TimeSpan.FromSeconds(3);

    private readonly long floorTicks = intervalTicks * FloorIntervals;
    private int? left;
    private int others;
    private DateTimeOffset resetAt;
    private DateTimeOffset lastTaken = DateTimeOffset.MinValue;

    /// <summary>When the budget stops trusting the server's count before the window ends (see <see cref="DoubtFrom"/>).</summary>
    private DateTimeOffset doubtAt = DateTimeOffset.MaxValue;

    /// <summary>Sandboxes using the token: each needs one DELETE some day, which the reserve keeps.</summary>
    public int Holders { get; set; }

    /// <summary>
    /// Holders whose DELETE was sent and who have not let the token go yet: their reserve is spent, so a mass delete is
    /// not paced as if every DELETE were still to come (at most <see cref="Holders"/>).
    /// </summary>
    public int DeletesSent { get; set; }

    /// <summary>When the window ends, or the count is doubted (meaningful while <see cref="Spare"/> is not null).</summary>
    public DateTimeOffset ResetAt => resetAt < doubtAt ? resetAt : doubtAt;

    /// <summary>
    /// Takes the server's word. Within the window it holds, the count only goes down: a higher one is an older answer
    /// overtaken by a newer, or one that left before our requests in flight were counted, so the lower count stays.
    /// </summary>
    public void Update(int remaining, DateTimeOffset reset, int? limit, DateTimeOffset now)
    {
        if (limit is { } l)
        {
            others = Math.Max(0, l - (int)Math.Floor(l * headroom) - burstSize);
        }

        if (Known(now) && reset <= resetAt + SameWindow)
        {
            left = Math.Min(left!.Value, remaining);
        }
        else
        {
            left = remaining;
            resetAt = reset;
        }

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
    public int? Spare(DateTimeOffset now) => Known(now) ? Math.Max(0, left!.Value - others) : null;

    /// <summary>Requests that may go out at once, unpaced (negative when the reserve is short; meaningful while <see cref="Spare"/> is not null).</summary>
    public long Free(DateTimeOffset now) => (Spare(now) ?? 0) - Reserve(now);

    /// <summary>Whether the window lets a request go now (the server has said, and something is spare).</summary>
    public bool CanTake(DateTimeOffset now) => Spare(now) is { } spare && spare > 0 && (Free(now) >= 1 || now >= NextPaced(spare));

    /// <summary>
    /// When the <paramref name="n"/>-th request from now could go, were none other to come: at once while free; then
    /// at the paced rate. Null when the window cannot hold it (it goes after the reset).
    /// </summary>
    public DateTimeOffset? GrantAt(DateTimeOffset now, long n)
    {
        if (Spare(now) is not { } spare || spare < n)
        {
            return null;
        }

        var free = Math.Max(0, Free(now));
        if (n <= free)
        {
            return now;
        }

        // After the free ones (if any) the rest follow one paced interval apart.
        var gap = (ResetAt - now).Ticks / spare;
        if (free > 0)
        {
            return now + TimeSpan.FromTicks((n - free) * gap);
        }

        var first = NextPaced(spare);
        var freeAt = FreeAt(spare);
        return Max(now, freeAt < first ? freeAt : first) + TimeSpan.FromTicks((n - 1) * gap);
    }

    /// <summary>Time between two paced requests now; null while requests are free or the server has not said.</summary>
    public TimeSpan? PacedInterval(DateTimeOffset now) =>
        Spare(now) is { } spare && spare > 0 && Free(now) < 1 ? TimeSpan.FromTicks((ResetAt - now).Ticks / spare) : null;

    /// <summary>One request granted: the server will count it too.</summary>
    public void Took(DateTimeOffset now)
    {
        if (Known(now))
        {
            left--;
        }

        lastTaken = now;
    }

    private long Reserve(DateTimeOffset now) =>
        Math.Max(0, Holders - DeletesSent) + (long)Math.Ceiling(Math.Max(0, (ResetAt - now).Ticks) / (double)floorTicks);

    /// <summary>
    /// The next paced grant: the first instant whose time since the last grant is the even spread of what is spare over
    /// the rest of the window, <c>now − last ≥ (T − now) / spare</c>, i.e. <c>now ≥ last + (T − last) / (spare + 1)</c>.
    /// </summary>
    private DateTimeOffset NextPaced(int spare) =>
        lastTaken == DateTimeOffset.MinValue || lastTaken >= ResetAt ? DateTimeOffset.MinValue : lastTaken + TimeSpan.FromTicks((ResetAt - lastTaken).Ticks / (spare + 1));

    /// <summary>When the floor's part of the reserve has shrunk enough for one request to be free.</summary>
    private DateTimeOffset FreeAt(int spare)
    {
        var floorsLeft = spare - Holders - 1L;
        return floorsLeft < 0 ? DateTimeOffset.MaxValue : ResetAt - TimeSpan.FromTicks(floorsLeft * floorTicks);
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

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
