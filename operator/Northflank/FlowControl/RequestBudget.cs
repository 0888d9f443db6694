using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank.FlowControl;

/// <summary>
/// The request budget of one API token, shared by every caller that uses the token.
/// <para>
/// How much goes out: while Northflank's rate-limit headers say what is left of the account's window, the window decides
/// (see <see cref="AccountWindow"/>): what is spare beyond a reserve goes out at once, and the reserve (a DELETE for every
/// Sandbox the token holds, looks at a floor pace) is spread evenly up to the reset, so never more than the limit goes out
/// in a window, also when other clients of the account spend part of it. Until the server has said (the first request of
/// a window), a token bucket decides: it refills at <c>requestsPerHour × headroom</c> per hour and holds at most
/// <c>burstSize</c> requests.
/// </para>
/// <para>
/// Who goes first: callers that cannot be served at once queue by <see cref="RequestPriority"/>: every waiting
/// <see cref="RequestPriority.Write"/> is served before any waiting <see cref="RequestPriority.Observe"/>, and those before
/// <see cref="RequestPriority.Background"/>. Within a priority, the tenants of the token (a Sandbox's namespace, see
/// <see cref="BudgetCaller"/>) are served in turn, first come first served within a tenant (<see cref="FairQueue{T}"/>).
/// A waiting <see cref="RequestPriority.Confirm"/> goes before all of them, but only once others have had
/// <see cref="ConfirmShare"/> − 1 grants since the last confirm. A caller that bounded its wait and has waited half of it
/// goes before all of these, so priority orders the fresh callers but starves none of them. A new caller never overtakes
/// a waiter of the same or a more urgent priority, nor one that is overdue.
/// A caller may bound its wait: when it would wait longer, it is not queued but told when it would be served (a throttled
/// <see cref="NorthflankApiException"/>), so a worker never sits on a throttled token; callers put off that way are
/// given times one request apart (at the rate the budget grants then), tenants in turn, so they do not all come back at
/// once and one tenant's burst does not push another's Sandbox to the end of the line.
/// </para>
/// <para>
/// When Northflank answers 429, <see cref="PauseFor"/> stops the whole budget (every caller of the token) until the
/// Retry-After has passed. <see cref="Correct"/> takes the server's rate-limit headers as the truth and pauses until the
/// window resets when nothing is spare. No pause lasts longer than <c>maxPause</c>: then one request asks the server again.
/// All time comes from the <see cref="TimeProvider"/>, so tests can drive it.
/// </para>
/// </summary>
public sealed partial class RequestBudget : IDisposable
{
    /// <summary>
    /// Longest pause by default. Northflank's window resets at most an hour after it opened; five minutes makes a wrong
    /// Retry-After (a proxy's, an HTTP date from a skewed clock) or a limit raised meanwhile cost at most five minutes,
    /// for one refused request per five minutes (12 an hour) while the token stays throttled.
    /// </summary>
    public static readonly TimeSpan DefaultMaxPause = TimeSpan.FromMinutes(5);

    /// <summary>
    /// While others wait, a <see cref="RequestPriority.Confirm"/> takes at most one grant in this many: one list
    /// confirms every write of a project, so a quarter of the budget keeps a burst confirmed as it goes and leaves the
    /// burst three quarters of its pace.
    /// </summary>
    public const int ConfirmShare = 4;

    private static readonly int PriorityCount = Enum.GetValues<RequestPriority>().Length;

    private const int ConfirmIndex = (int)RequestPriority.Confirm;

    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly FairQueue<Waiter>[] queues;
    private readonly AccountWindow account;
    private readonly TimeSpan maxPause;

    /// <summary>Time that pays for one request.</summary>
    private readonly long intervalTicks;

    /// <summary>Most credit the bucket holds: the burst.</summary>
    private readonly long capacityTicks;

    /// <summary>Credit in ticks of time; one request costs <see cref="intervalTicks"/>. Integer arithmetic keeps it exact.</summary>
    private long creditTicks;

    /// <summary>Credit has been added up to this instant; can lie in the future after a pause.</summary>
    private DateTimeOffset refilledUntil;

    private DateTimeOffset pausedUntil;

    /// <summary>The next caller put off gets a time no earlier than this: put-off callers come back one request's time apart.</summary>
    private DateTimeOffset deferredUntil;

    /// <summary>Callers put off, by <see cref="BudgetCaller"/>: when they were told they are served, and their tenant.</summary>
    private readonly Dictionary<string, (DateTimeOffset At, string? Tenant)> inLine = new(StringComparer.Ordinal);

    private long waitedTicks;
    private long granted;

    /// <summary>Grants to others since the last confirm; starts at its turn, so the first confirm goes at once.</summary>
    private int grantsSinceConfirm = ConfirmShare;
    private bool disposed;

    /// <param name="requestsPerHour">The server's limit for the token (Northflank's default is 1000).</param>
    /// <param name="headroom">Fraction of the limit to use, in (0, 1], so the operator stays under the limit.</param>
    /// <param name="burstSize">Requests that may go out back to back after a quiet period; the bucket starts full.</param>
    /// <param name="timeProvider">Clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="name">How the budget shows in metrics: the token's fingerprint, never the token.</param>
    /// <param name="maxPause">Longest pause after a 429 or an exhausted window; <see cref="DefaultMaxPause"/> when null.</param>
    public RequestBudget(int requestsPerHour, double headroom, int burstSize, TimeProvider? timeProvider = null, string name = "", TimeSpan? maxPause = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerHour);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burstSize);
        if (!(headroom > 0 && headroom <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(headroom), headroom, "Headroom must be in (0, 1].");
        }

        time = timeProvider ?? TimeProvider.System;
        Name = name;
        this.maxPause = maxPause ?? DefaultMaxPause;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(this.maxPause, TimeSpan.Zero, nameof(maxPause));
        EffectiveRequestsPerHour = Math.Max(1, (int)Math.Floor(requestsPerHour * headroom));
        intervalTicks = TimeSpan.FromHours(1).Ticks / EffectiveRequestsPerHour;
        capacityTicks = intervalTicks * burstSize;
        creditTicks = capacityTicks;
        account = new AccountWindow(headroom, burstSize, intervalTicks);
        refilledUntil = time.GetUtcNow();
        pausedUntil = DateTimeOffset.MinValue;
        deferredUntil = DateTimeOffset.MinValue;
        queues = new FairQueue<Waiter>[PriorityCount];
        for (var i = 0; i < queues.Length; i++)
        {
            queues[i] = new FairQueue<Waiter>();
        }

        // The timer serves every caller: it must not run in (and carry the BudgetCaller of) whichever flow created it.
        using (ExecutionContext.SuppressFlow())
        {
            timer = time.CreateTimer(static state => ((RequestBudget)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The token's fingerprint (or whatever name the owner gave); safe to show.</summary>
    public string Name { get; }

    /// <summary>Requests per hour the budget hands out in the long run (limit × headroom).</summary>
    public int EffectiveRequestsPerHour { get; }

    /// <summary>Time between two requests at the sustained rate.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks(intervalTicks);

    /// <summary>When a pause after a 429 (or an exhausted server-side budget) ends; null when not paused.</summary>
    public DateTimeOffset? PausedUntil
    {
        get
        {
            lock (gate)
            {
                return pausedUntil > time.GetUtcNow() ? pausedUntil : null;
            }
        }
    }

    /// <summary>Callers waiting right now.</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return queues.Sum(q => q.Count);
            }
        }
    }

    /// <summary>Requests handed out so far.</summary>
    public long Granted => Interlocked.Read(ref granted);

    /// <summary>Sum of the time all granted callers spent waiting.</summary>
    public TimeSpan TotalWaitTime => TimeSpan.FromTicks(Interlocked.Read(ref waitedTicks));

    /// <summary>
    /// Takes one request from the budget, waiting (in priority order) until there is one. Returns how long the
    /// caller waited. Throws <see cref="OperationCanceledException"/> when <paramref name="ct"/> fires first.
    /// </summary>
    public ValueTask<TimeSpan> AcquireAsync(RequestPriority priority, CancellationToken ct) => AcquireAsync(priority, null, ct);

    /// <summary>
    /// As <see cref="AcquireAsync(RequestPriority, CancellationToken)"/>, but waits at most <paramref name="maxWait"/>
    /// (null: as long as it takes). A caller that would wait longer, or that waited that long without being served
    /// (a pause or more urgent callers came in), gets a throttled <see cref="NorthflankApiException"/> saying when it
    /// would be served, and holds no place in the queue.
    /// </summary>
    public ValueTask<TimeSpan> AcquireAsync(RequestPriority priority, TimeSpan? maxWait, CancellationToken ct)
    {
        var index = Math.Clamp((int)priority, 0, PriorityCount - 1);
        Waiter waiter;
        List<Waiter>? ready;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var now = time.GetUtcNow();
            Refill(now);
            ready = Dispatch(now);
            if (!HasWaitersAhead(now, index) && TryTake(now))
            {
                Grant(index);
                if (BudgetCaller.Current is { } caller)
                {
                    inLine.Remove(caller); // Served: out of the line.
                }

                Complete(ready);
                Record(priority, TimeSpan.Zero);
                return ValueTask.FromResult(TimeSpan.Zero);
            }

            if (ct.IsCancellationRequested)
            {
                Complete(ready);
                return ValueTask.FromCanceled<TimeSpan>(ct);
            }

            if (maxWait is { } bound && Estimate(now, index, BudgetCaller.Tenant) - now > bound)
            {
                var putOff = DeferLocked(now, index, BudgetCaller.Current, BudgetCaller.Tenant);
                Complete(ready);
                return ValueTask.FromException<TimeSpan>(putOff);
            }

            waiter = new Waiter(priority, index, now, maxWait is { } limit ? now + limit : null, BudgetCaller.Current, BudgetCaller.Tenant);
            waiter.Node = queues[index].Add(waiter.Tenant, waiter);
            Schedule(now);
        }

        Complete(ready);
        return ct.CanBeCanceled ? WaitAsync(waiter, ct) : new ValueTask<TimeSpan>(waiter.Completion.Task);
    }

    public void Dispose()
    {
        List<Waiter> abandoned;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            abandoned = [.. queues.SelectMany(q => q.Items)];
            foreach (var queue in queues)
            {
                queue.Clear();
            }
        }

        timer.Dispose();
        foreach (var waiter in abandoned)
        {
            waiter.Completion.TrySetException(new ObjectDisposedException(nameof(RequestBudget)));
        }
    }

    public override string ToString() => $"budget:{Name}";

    private void Record(RequestPriority priority, TimeSpan waited)
    {
        Interlocked.Add(ref waitedTicks, waited.Ticks);
        BudgetTelemetry.BudgetWait.Record(
            waited.TotalSeconds, new KeyValuePair<string, object?>("priority", BudgetTelemetry.PriorityTag(priority)));
    }
}
