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
    private readonly Lock _lock = new();
    private readonly LinkedList<TItem> _queue = new();
    private readonly LinkedList<TItem> _priorityQueue = new();
    private readonly HashSet<TItem> _dirty = [];
    private readonly HashSet<TItem> _prioritized = [];
    private readonly HashSet<TItem> _processing = [];
    private readonly Dictionary<TItem, long> _enqueuedAt = [];
    private readonly Dictionary<TItem, (DateTimeOffset Due, ITimer Timer)> _delayed = [];
    private readonly Dictionary<TItem, int> _failures = [];
    private readonly LinkedList<TaskCompletionSource<(TItem Item, bool ShuttingDown)>> _waiters = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private readonly WorkQueueOptions _options;
    private readonly ControllerTelemetry _telemetry;
    private readonly IDisposable _depthRegistration;
    private bool _shuttingDown;

    public WorkQueue(WorkQueueOptions? options = null, TimeProvider? time = null, ControllerTelemetry? telemetry = null)
    {
        _options = options ?? new WorkQueueOptions();
        _time = time ?? TimeProvider.System;
        _telemetry = telemetry ?? ControllerTelemetry.Shared;
        _depthRegistration = _telemetry.RegisterQueue(_options.Name, () => Count);
    }

    /// <summary>Items waiting to be handed out (not the delayed or in-process ones).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count + _priorityQueue.Count;
            }
        }
    }

    public int ProcessingCount
    {
        get
        {
            lock (_lock)
            {
                return _processing.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
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
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            if (!_dirty.Add(item))
            {
                if (priority && _prioritized.Add(item) && _queue.Remove(item))
                {
                    _priorityQueue.AddLast(item);
                }

                return;
            }

            _enqueuedAt[item] = _time.GetTimestamp();
            if (priority)
            {
                _prioritized.Add(item);
            }

            if (_processing.Contains(item))
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
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return Task.FromResult((default(TItem)!, true));
            }

            if (NextLocked() is { } first)
            {
                first.List!.Remove(first);
                return Task.FromResult((TakeLocked(first.Value), false));
            }

            waiter = new TaskCompletionSource<(TItem, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        if (ct.CanBeCanceled)
        {
            var registration = ct.Register(() =>
            {
                lock (_lock)
                {
                    if (node.List is not null)
                    {
                        _waiters.Remove(node);
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
        lock (_lock)
        {
            if (!_processing.Remove(item))
            {
                return;
            }

            if (_dirty.Contains(item) && !_shuttingDown)
            {
                QueueFor(item).AddLast(item);
                DispatchLocked();
            }

            if (_shuttingDown && _processing.Count == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Stops handing out items; waiting and future <see cref="GetAsync"/> calls return ShuttingDown.</summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<(TItem, bool)>> waiters;
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            foreach (var (_, timer) in _delayed.Values)
            {
                timer.Dispose();
            }

            _delayed.Clear();
            _queue.Clear();
            _priorityQueue.Clear();
            _dirty.Clear();
            _prioritized.Clear();
            _enqueuedAt.Clear();
            waiters = [.. _waiters];
            _waiters.Clear();
            if (_processing.Count == 0)
            {
                _drained.TrySetResult();
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
            await _drained.Task.WaitAsync(timeout, _time, ct);
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
        _depthRegistration.Dispose();
    }


    private void DispatchLocked()
    {
        while (NextLocked() is { } first && _waiters.First is { } waiterNode)
        {
            _waiters.RemoveFirst();
            var queue = first.List!;
            queue.Remove(first);
            var prioritized = _prioritized.Contains(first.Value);
            var item = TakeLocked(first.Value);
            if (!waiterNode.Value.TrySetResult((item, false)))
            {
                // The waiter was cancelled between removal checks: undo and try the next one.
                _processing.Remove(item);
                _dirty.Add(item);
                if (prioritized)
                {
                    _prioritized.Add(item);
                }

                queue.AddFirst(item);
            }
        }
    }

    private LinkedListNode<TItem>? NextLocked() => _priorityQueue.First ?? _queue.First;

    private LinkedList<TItem> QueueFor(TItem item) => _prioritized.Contains(item) ? _priorityQueue : _queue;

    private TItem TakeLocked(TItem item)
    {
        _dirty.Remove(item);
        _prioritized.Remove(item);
        _processing.Add(item);
        if (_enqueuedAt.Remove(item, out var since))
        {
            _telemetry.RecordQueueWait(_options.Name, _time.GetElapsedTime(since));
        }

        return item;
    }
}
