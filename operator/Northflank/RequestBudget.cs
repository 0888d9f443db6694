using SandboxOperator.Telemetry;

namespace SandboxOperator.Northflank;

/// <summary>
/// The request budget of one API token, shared by every caller that uses the token: a token bucket that refills at
/// <c>requestsPerHour × headroom</c> per hour and holds at most <c>burstSize</c> requests, so that over any hour at most
/// <c>burstSize + requestsPerHour × headroom</c> requests go out.
/// <para>
/// Callers that cannot be served at once queue by <see cref="RequestPriority"/>: every waiting <see cref="RequestPriority.Write"/>
/// is served before any waiting <see cref="RequestPriority.Observe"/>, and those before <see cref="RequestPriority.Background"/>;
/// first come, first served within a priority. A new caller never overtakes a waiter of the same or a more urgent priority.
/// </para>
/// <para>
/// When Northflank answers 429, <see cref="PauseFor"/> stops the whole budget (every caller of the token) until the
/// Retry-After has passed. <see cref="Correct"/> takes the server's rate-limit headers as the truth: the account's window
/// is shared with other clients, so the budget never holds more than the server says is spare, refills no faster than
/// spreads that over the rest of the window, and pauses until the window resets when nothing is spare (see
/// <see cref="AccountWindow"/>). All time comes from the <see cref="TimeProvider"/>, so tests can drive it.
/// </para>
/// </summary>
public sealed class RequestBudget : IDisposable
{
    private static readonly int PriorityCount = Enum.GetValues<RequestPriority>().Length;

    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly LinkedList<Waiter>[] queues;
    private readonly AccountWindow account;

    /// <summary>Time that pays for one request.</summary>
    private readonly long intervalTicks;

    /// <summary>Most credit the bucket holds: the burst.</summary>
    private readonly long capacityTicks;

    /// <summary>Credit in ticks of time; one request costs <see cref="intervalTicks"/>. Integer arithmetic keeps it exact.</summary>
    private long creditTicks;

    /// <summary>Credit has been added up to this instant; can lie in the future after a pause.</summary>
    private DateTimeOffset refilledUntil;

    private DateTimeOffset pausedUntil;
    private long waitedTicks;
    private long granted;
    private bool disposed;

    /// <param name="requestsPerHour">The server's limit for the token (Northflank's default is 1000).</param>
    /// <param name="headroom">Fraction of the limit to use, in (0, 1], so the operator stays under the limit.</param>
    /// <param name="burstSize">Requests that may go out back to back after a quiet period; the bucket starts full.</param>
    /// <param name="timeProvider">Clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="name">How the budget shows in metrics: the token's fingerprint, never the token.</param>
    public RequestBudget(int requestsPerHour, double headroom, int burstSize, TimeProvider? timeProvider = null, string name = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerHour);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burstSize);
        if (!(headroom > 0 && headroom <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(headroom), headroom, "Headroom must be in (0, 1].");
        }

        time = timeProvider ?? TimeProvider.System;
        Name = name;
        EffectiveRequestsPerHour = Math.Max(1, (int)Math.Floor(requestsPerHour * headroom));
        intervalTicks = TimeSpan.FromHours(1).Ticks / EffectiveRequestsPerHour;
        capacityTicks = intervalTicks * burstSize;
        creditTicks = capacityTicks;
        account = new AccountWindow(headroom, burstSize);
        refilledUntil = time.GetUtcNow();
        pausedUntil = DateTimeOffset.MinValue;
        queues = new LinkedList<Waiter>[PriorityCount];
        for (var i = 0; i < queues.Length; i++)
        {
            queues[i] = new LinkedList<Waiter>();
        }

        timer = time.CreateTimer(static state => ((RequestBudget)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        NorthflankTelemetry.Track(this);
    }

    /// <summary>The token's fingerprint (or whatever name the owner gave); safe to show.</summary>
    public string Name { get; }

    /// <summary>Requests per hour the budget hands out in the long run (limit × headroom).</summary>
    public int EffectiveRequestsPerHour { get; }

    /// <summary>Time between two requests at the sustained rate.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks(intervalTicks);

    /// <summary>Whole requests that could go out right now (0 while paused).</summary>
    public int Remaining
    {
        get
        {
            lock (gate)
            {
                var now = time.GetUtcNow();
                Refill(now);
                return now < pausedUntil ? 0 : (int)(creditTicks / intervalTicks);
            }
        }
    }

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
    public ValueTask<TimeSpan> AcquireAsync(RequestPriority priority, CancellationToken ct)
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
            if (!HasWaitersAtOrAbove(index) && TryTake(now))
            {
                granted++;
                Complete(ready);
                Record(priority, TimeSpan.Zero);
                return ValueTask.FromResult(TimeSpan.Zero);
            }

            if (ct.IsCancellationRequested)
            {
                Complete(ready);
                return ValueTask.FromCanceled<TimeSpan>(ct);
            }

            waiter = new Waiter(priority, now);
            waiter.Node = queues[index].AddLast(waiter);
            Schedule(now);
        }

        Complete(ready);
        return ct.CanBeCanceled ? WaitAsync(waiter, ct) : new ValueTask<TimeSpan>(waiter.Completion.Task);
    }

    /// <summary>
    /// Stops the whole budget for <paramref name="retryAfter"/> (after a 429): nobody gets a request until then, and
    /// afterwards one request is available at once, the rest at the sustained rate.
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
    /// its refill to spread that over the window, and pauses until the reset when nothing is spare.
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
                PauseUntilLocked(now, until);
            }
            else
            {
                Schedule(now);
            }
        }
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
            abandoned = [.. queues.SelectMany(q => q)];
            foreach (var queue in queues)
            {
                queue.Clear();
            }
        }

        timer.Dispose();
        NorthflankTelemetry.Untrack(this);
        foreach (var waiter in abandoned)
        {
            waiter.Completion.TrySetException(new ObjectDisposedException(nameof(RequestBudget)));
        }
    }

    public override string ToString() => $"budget:{Name}";

    private void PauseUntilLocked(DateTimeOffset now, DateTimeOffset until)
    {
        Refill(now);
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

    private void OnTimer()
    {
        List<Waiter>? ready;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            var now = time.GetUtcNow();
            Refill(now);
            ready = Dispatch(now);
            Schedule(now);
        }

        Complete(ready);
    }

    private async ValueTask<TimeSpan> WaitAsync(Waiter waiter, CancellationToken ct)
    {
        await using var registration = ct.UnsafeRegister(
            static (state, token) =>
            {
                var (budget, w) = ((RequestBudget, Waiter))state!;
                budget.Cancel(w, token);
            },
            (this, waiter));
        return await waiter.Completion.Task;
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        bool removed;
        lock (gate)
        {
            removed = waiter.Node?.List is not null;
            if (removed)
            {
                waiter.Node!.List!.Remove(waiter.Node);
                Schedule(time.GetUtcNow());
            }
        }

        if (removed)
        {
            waiter.Completion.TrySetCanceled(token);
        }
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

    private bool HasWaitersAtOrAbove(int index)
    {
        for (var i = 0; i <= index; i++)
        {
            if (queues[i].Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hands out what the bucket holds to the waiters, most urgent first. Completion happens outside the lock.</summary>
    private List<Waiter>? Dispatch(DateTimeOffset now)
    {
        List<Waiter>? ready = null;
        foreach (var queue in queues)
        {
            while (queue.First is { } node && TryTake(now))
            {
                queue.RemoveFirst();
                granted++;
                node.Value.WaitedFor = now - node.Value.EnqueuedAt;
                (ready ??= []).Add(node.Value);
            }
        }

        return ready;
    }

    private void Schedule(DateTimeOffset now)
    {
        if (disposed)
        {
            return;
        }

        if (!queues.Any(q => q.Count > 0))
        {
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        // Credit is counted from refilledUntil, which a pause can put in the future.
        var start = refilledUntil > now ? refilledUntil : now;
        var factor = account.RefillFactor(now, intervalTicks);
        var creditDue = factor > 0
            ? start + TimeSpan.FromTicks((long)Math.Ceiling(Math.Max(0, intervalTicks - creditTicks) / factor))
            : account.ResetAt;
        var due = (pausedUntil > creditDue ? pausedUntil : creditDue) - now;
        timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void Complete(List<Waiter>? ready)
    {
        if (ready is null)
        {
            return;
        }

        foreach (var waiter in ready)
        {
            if (waiter.Completion.TrySetResult(waiter.WaitedFor))
            {
                Record(waiter.Priority, waiter.WaitedFor);
            }
        }
    }

    private void Record(RequestPriority priority, TimeSpan waited)
    {
        Interlocked.Add(ref waitedTicks, waited.Ticks);
        NorthflankTelemetry.BudgetWait.Record(
            waited.TotalSeconds, new KeyValuePair<string, object?>("priority", NorthflankTelemetry.PriorityTag(priority)));
    }

    private sealed class Waiter(RequestPriority priority, DateTimeOffset enqueuedAt)
    {
        public RequestPriority Priority { get; } = priority;

        public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

        public TaskCompletionSource<TimeSpan> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public TimeSpan WaitedFor { get; set; }
    }
}
