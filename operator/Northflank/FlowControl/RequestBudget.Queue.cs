using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank.FlowControl;

/// <summary>The budget's waiting callers: the priority queues, the one timer that serves them, and their deadlines.</summary>
public sealed partial class RequestBudget
{
    private void OnTimer()
    {
        List<Waiter>? ready;
        List<(Waiter Waiter, NorthflankApiException Error)>? expired;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            var now = time.GetUtcNow();
            Refill(now);
            ready = Dispatch(now);
            expired = ExpireLocked(now);
            Schedule(now);
        }

        Complete(ready);
        foreach (var (waiter, error) in expired ?? [])
        {
            waiter.Completion.TrySetException(error);
        }
    }

    /// <summary>
    /// Takes the waiters whose bounded wait ran out unserved (a pause or more urgent callers came in after they queued)
    /// out of the queue, each with when it would be served instead.
    /// </summary>
    private List<(Waiter, NorthflankApiException)>? ExpireLocked(DateTimeOffset now)
    {
        List<(Waiter, NorthflankApiException)>? expired = null;
        for (var index = 0; index < queues.Length; index++)
        {
            foreach (var waiter in queues[index].Items.Where(w => w.Deadline is { } deadline && deadline <= now).ToList())
            {
                queues[index].Remove(waiter.Node!);
                (expired ??= []).Add((waiter, DeferLocked(now, index, waiter.Caller, waiter.Tenant)));
            }
        }

        return expired;
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
                queues[waiter.Index].Remove(waiter.Node!);
                Schedule(time.GetUtcNow());
            }
        }

        if (removed)
        {
            waiter.Completion.TrySetCanceled(token);
        }
    }

    /// <summary>
    /// Whether a caller of priority <paramref name="index"/> arriving now must queue behind someone: anyone waiting at
    /// its priority or a more urgent one (except a confirm whose turn has not come), or anyone overdue (see <see cref="NextWaiter"/>).
    /// </summary>
    private bool HasWaitersAhead(DateTimeOffset now, int index)
    {
        for (var i = 0; i <= index; i++)
        {
            if (queues[i].Count > 0 && (i != ConfirmIndex || index == ConfirmIndex || ConfirmsTurn()))
            {
                return true;
            }
        }

        return OverdueAfter(now, index) > 0;
    }

    /// <summary>A confirm goes first once others were granted <see cref="ConfirmShare"/> − 1 requests since the last one.</summary>
    private bool ConfirmsTurn() => grantsSinceConfirm >= ConfirmShare - 1;

    /// <summary>
    /// The waiter served next. Priority alone would starve a bounded observe while writes keep coming, until its bound
    /// runs out and its Sandbox reports Throttled although the budget was never short; so a bounded waiter that has used
    /// half its bound is overdue and goes first (earliest deadline first). Otherwise the most urgent non-empty queue, but
    /// a confirm only in its turn or when no one else waits; within the queue, the tenant whose turn it is.
    /// </summary>
    private LinkedListNode<Waiter>? NextWaiter(DateTimeOffset now)
    {
        Waiter? overdue = null;
        foreach (var waiter in queues.SelectMany(q => q.Items))
        {
            if (IsOverdue(waiter, now) && (overdue is null || waiter.Deadline < overdue.Deadline))
            {
                overdue = waiter;
            }
        }

        if (overdue is not null)
        {
            return overdue.Node;
        }

        FairQueue<Waiter>? other = null;
        for (var i = ConfirmIndex + 1; i < queues.Length && other is null; i++)
        {
            other = queues[i].Count > 0 ? queues[i] : null;
        }

        var confirms = queues[ConfirmIndex];
        return (confirms.Count > 0 && (other is null || ConfirmsTurn()) ? confirms : other)?.Next;
    }

    /// <summary>Overdue waiters of a priority less urgent than <paramref name="index"/>: they go before it too.</summary>
    private int OverdueAfter(DateTimeOffset now, int index) =>
        queues.Skip(index + 1).Sum(queue => queue.Items.Count(waiter => IsOverdue(waiter, now)));

    private static bool IsOverdue(Waiter waiter, DateTimeOffset now) =>
        waiter.Deadline is { } deadline && now - waiter.EnqueuedAt >= (deadline - waiter.EnqueuedAt) / 2;

    private void Grant(int index)
    {
        granted++;
        grantsSinceConfirm = index == ConfirmIndex ? 0 : grantsSinceConfirm + 1;
    }

    /// <summary>Hands out what the window or the bucket allows to the waiters, in the order <see cref="NextWaiter"/> gives. Completion happens outside the lock.</summary>
    private List<Waiter>? Dispatch(DateTimeOffset now)
    {
        List<Waiter>? ready = null;
        while (NextWaiter(now) is { } node && TryTake(now))
        {
            queues[node.Value.Index].Serve(node);
            Grant(node.Value.Index);
            if (node.Value.Caller is { } caller)
            {
                inLine.Remove(caller); // Served: its place in line no longer counts ahead of anyone.
            }

            node.Value.WaitedFor = now - node.Value.EnqueuedAt;
            (ready ??= []).Add(node.Value);
        }

        return ready;
    }

    /// <summary>Wakes at the next grant or the earliest deadline of a bounded waiter, whichever is first.</summary>
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

        var grantDue = NextGrantAt(now, 1);
        var wake = pausedUntil > grantDue ? pausedUntil : grantDue;
        foreach (var waiter in queues.SelectMany(q => q.Items))
        {
            if (waiter.Deadline is { } deadline && deadline < wake)
            {
                wake = deadline;
            }
        }

        var due = wake - now;
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

    private sealed class Waiter(RequestPriority priority, int index, DateTimeOffset enqueuedAt, DateTimeOffset? deadline, string? caller, string? tenant)
    {
        /// <summary>Whom it waits for (see <see cref="BudgetCaller"/>): its place in line if its wait runs out.</summary>
        public string? Caller { get; } = caller;

        /// <summary>Its tenant (see <see cref="BudgetCaller.Tenant"/>), whose turn it waits for.</summary>
        public string? Tenant { get; } = tenant;

        public RequestPriority Priority { get; } = priority;

        /// <summary>Its queue: the priority, clamped to those there are.</summary>
        public int Index { get; } = index;

        public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

        /// <summary>A bounded waiter not served by then leaves the queue with a throttled error.</summary>
        public DateTimeOffset? Deadline { get; } = deadline;

        public TaskCompletionSource<TimeSpan> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public TimeSpan WaitedFor { get; set; }
    }
}
