namespace ControllerRuntime;

/// <summary>
/// A work queue with client-go's guarantees: an item is never handed to two workers at once; adds of an item
/// already waiting collapse; an add while the item is being processed marks it dirty and it is queued again on
/// <see cref="Done"/>; delayed adds keep the earliest due time; failures back off exponentially per item until
/// <see cref="Forget"/>. Prioritized adds are handed out before all others (each kind in its own FIFO order), as in
/// controller-runtime's priority queue. Time comes from a <see cref="TimeProvider"/> so tests can drive it.
/// </summary>
public sealed partial class WorkQueue<TItem> : IDisposable
    where TItem : notnull
{
    private readonly Lock gate = new();
    private readonly LinkedList<TItem> queue = new();
    private readonly LinkedList<TItem> priorityQueue = new();
    private readonly HashSet<TItem> dirty = [];
    private readonly HashSet<TItem> prioritized = [];
    private readonly HashSet<TItem> processing = [];
    private readonly Dictionary<TItem, long> enqueuedAt = [];
    private readonly Dictionary<TItem, (DateTimeOffset Due, ITimer Timer)> delayed = [];
    private readonly Dictionary<TItem, int> failures = [];
    private readonly LinkedList<TaskCompletionSource<(TItem Item, bool ShuttingDown)>> waiters = new();
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider time;
    private readonly WorkQueueOptions options;
    private readonly ControllerTelemetry telemetry;
    private readonly IDisposable depthRegistration;
    private bool shuttingDown;

    public WorkQueue(WorkQueueOptions? options = null, TimeProvider? time = null, ControllerTelemetry? telemetry = null)
    {
        this.options = options ?? new WorkQueueOptions();
        this.time = time ?? TimeProvider.System;
        this.telemetry = telemetry ?? ControllerTelemetry.Shared;
        depthRegistration = this.telemetry.RegisterQueue(this.options.Name, () => Count);
    }

    /// <summary>Items waiting to be handed out (not the delayed or in-process ones).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return queue.Count + priorityQueue.Count;
            }
        }
    }

    public int ProcessingCount
    {
        get
        {
            lock (gate)
            {
                return processing.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (gate)
            {
                return shuttingDown;
            }
        }
    }

    /// <summary>
    /// Marks an item as needing processing. No-op when it is already waiting or the queue shuts down, except that a
    /// prioritized add moves an item waiting among the others ahead of them.
    /// </summary>
    /// <param name="priority">Hand it out before every item added without priority.</param>
    public void Add(TItem item, bool priority = false)
    {
        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            if (!dirty.Add(item))
            {
                if (priority && prioritized.Add(item) && queue.Remove(item))
                {
                    priorityQueue.AddLast(item);
                }

                return;
            }

            enqueuedAt[item] = time.GetTimestamp();
            if (priority)
            {
                prioritized.Add(item);
            }

            if (processing.Contains(item))
            {
                // Re-queued by Done.
                return;
            }

            QueueFor(item).AddLast(item);
            DispatchLocked();
        }
    }

    /// <summary>
    /// Waits for an item and marks it as processing; the caller must call <see cref="Done"/> for it.
    /// Returns <c>ShuttingDown = true</c> once the queue shuts down.
    /// </summary>
    public Task<(TItem Item, bool ShuttingDown)> GetAsync(CancellationToken ct)
    {
        TaskCompletionSource<(TItem, bool)> waiter;
        LinkedListNode<TaskCompletionSource<(TItem, bool)>> node;
        lock (gate)
        {
            if (shuttingDown)
            {
                return Task.FromResult((default(TItem)!, true));
            }

            if (NextLocked() is { } first)
            {
                first.List!.Remove(first);
                return Task.FromResult((TakeLocked(first.Value), false));
            }

            waiter = new TaskCompletionSource<(TItem, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = waiters.AddLast(waiter);
        }

        if (ct.CanBeCanceled)
        {
            var registration = ct.Register(() =>
            {
                lock (gate)
                {
                    if (node.List is not null)
                    {
                        waiters.Remove(node);
                    }
                }

                waiter.TrySetCanceled(ct);
            });
            _ = waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return waiter.Task;
    }

    /// <summary>Ends processing of an item; if it was added meanwhile, it is queued again.</summary>
    public void Done(TItem item)
    {
        lock (gate)
        {
            if (!processing.Remove(item))
            {
                return;
            }

            if (dirty.Contains(item) && !shuttingDown)
            {
                QueueFor(item).AddLast(item);
                DispatchLocked();
            }

            if (shuttingDown && processing.Count == 0)
            {
                drained.TrySetResult();
            }
        }
    }

    /// <summary>Stops handing out items; waiting and future <see cref="GetAsync"/> calls return ShuttingDown.</summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<(TItem, bool)>> waiters;
        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            shuttingDown = true;
            foreach (var (_, timer) in delayed.Values)
            {
                timer.Dispose();
            }

            delayed.Clear();
            queue.Clear();
            priorityQueue.Clear();
            dirty.Clear();
            prioritized.Clear();
            enqueuedAt.Clear();
            waiters = [.. this.waiters];
            this.waiters.Clear();
            if (processing.Count == 0)
            {
                drained.TrySetResult();
            }
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult((default!, true));
        }
    }

    /// <summary>Shuts down and waits until every item handed out is <see cref="Done"/>, or the timeout passes.</summary>
    /// <returns>Whether the queue drained in time.</returns>
    public async Task<bool> ShutDownWithDrainAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        ShutDown();
        try
        {
            await drained.Task.WaitAsync(timeout, time, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        ShutDown();
        depthRegistration.Dispose();
    }


    private void DispatchLocked()
    {
        while (NextLocked() is { } first && waiters.First is { } waiterNode)
        {
            waiters.RemoveFirst();
            var queue = first.List!;
            queue.Remove(first);
            var prioritized = this.prioritized.Contains(first.Value);
            var item = TakeLocked(first.Value);
            if (!waiterNode.Value.TrySetResult((item, false)))
            {
                // The waiter was cancelled between removal checks: undo and try the next one.
                processing.Remove(item);
                dirty.Add(item);
                if (prioritized)
                {
                    this.prioritized.Add(item);
                }

                queue.AddFirst(item);
            }
        }
    }

    private LinkedListNode<TItem>? NextLocked() => priorityQueue.First ?? queue.First;

    private LinkedList<TItem> QueueFor(TItem item) => prioritized.Contains(item) ? priorityQueue : queue;

    private TItem TakeLocked(TItem item)
    {
        dirty.Remove(item);
        prioritized.Remove(item);
        processing.Add(item);
        if (enqueuedAt.Remove(item, out var since))
        {
            telemetry.RecordQueueWait(options.Name, time.GetElapsedTime(since));
        }

        return item;
    }
}
