namespace ControllerRuntime;

/// <summary>
/// The work queue's delayed adds and per-item failure backoff (client-go's delaying and rate-limiting queues): an item
/// added with a delay waits on a timer of the <see cref="TimeProvider"/>, and each failure of an item lengthens its next
/// backoff until <see cref="Forget"/>.
/// </summary>
public sealed partial class WorkQueue<TItem>
    where TItem : notnull
{
    /// <summary>Items waiting for their delay to pass.</summary>
    public int DelayedCount
    {
        get
        {
            lock (gate)
            {
                return delayed.Count;
            }
        }
    }

    /// <summary>Adds the item once <paramref name="delay"/> has passed; of several pending delays the earliest wins.</summary>
    public void AddAfter(TItem item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            var due = time.GetUtcNow() + delay;
            if (delayed.TryGetValue(item, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var timer = time.CreateTimer(_ => FireDelayed(item, due), null, delay, Timeout.InfiniteTimeSpan);
            delayed[item] = (due, timer);
        }
    }

    /// <summary>
    /// Adds the item after its backoff (which grows with each call until <see cref="Forget"/>), but never sooner
    /// than <paramref name="minDelay"/> (e.g. a Retry-After).
    /// </summary>
    /// <returns>The delay applied.</returns>
    public TimeSpan AddRateLimited(TItem item, TimeSpan? minDelay = null)
    {
        var delay = NextBackoff(item);
        if (minDelay is { } floor && floor > delay)
        {
            delay = floor;
        }

        AddAfter(item, delay);
        return delay;
    }

    /// <summary>The backoff for the item's next failure; counts the failure.</summary>
    internal TimeSpan NextBackoff(TItem item)
    {
        int attempt;
        lock (gate)
        {
            failures.TryGetValue(item, out attempt);
            failures[item] = attempt + 1;
        }

        return Backoff.Exponential(options.BaseDelay, options.MaxDelay, attempt, options.Jitter);
    }

    /// <summary>Clears the item's failure count, so its next failure starts from the base delay.</summary>
    public void Forget(TItem item)
    {
        lock (gate)
        {
            failures.Remove(item);
        }
    }

    public int NumRequeues(TItem item)
    {
        lock (gate)
        {
            return failures.GetValueOrDefault(item);
        }
    }

    private void FireDelayed(TItem item, DateTimeOffset due)
    {
        lock (gate)
        {
            if (!delayed.TryGetValue(item, out var entry) || entry.Due != due)
            {
                return;
            }

            entry.Timer.Dispose();
            delayed.Remove(item);
        }

        Add(item);
    }
}
