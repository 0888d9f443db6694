using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank.FlowControl;

/// <summary>
/// Whether Northflank answers one token, and who waits for it to answer again. A call that gets no answer (no answer,
/// 408 or 5xx, after the client's own retries) opens the circuit; callers that failed register to be woken. The first
/// answer to any call on the token (a progress-watch list counts, and so does a 4xx or a 429: Northflank is there)
/// closes it and wakes every registered caller at once, instead of leaving each to wait out its own exponential
/// backoff, which after a minute-long outage has grown to a minute or two. While the circuit is open, calls are not
/// retried in place (they fail fast, so an outage holds no worker), and when nothing else has called for a probe
/// interval a cheap probe asks whether Northflank is back. All time comes from the <see cref="TimeProvider"/>.
/// </summary>
public sealed class TokenCircuit : IDisposable
{
    /// <summary>
    /// A caller woken that fails again within this time is not registered again: its own call fails (one bad service,
    /// say), not Northflank, and waking it at every answer to someone else's call (a probe every few seconds) would
    /// loop it; it backs off on its own instead, until it succeeds once.
    /// </summary>
    public static readonly TimeSpan RewakeAfter = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private readonly HashSet<string> waiters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> wokenAt = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly Func<CancellationToken, Task> probe;
    private readonly Func<TimeSpan>? probeSpacing;
    private readonly Action<string> wake;
    private readonly ITimer timer;
    private readonly CancellationTokenSource stopping = new();
    private DateTimeOffset lastAttempt;
    private DateTimeOffset? openedAt;
    private bool probing;
    private bool disposed;

    /// <param name="probeInterval">How long the token may go without any call while open before a probe is sent.</param>
    /// <param name="probe">One cheap call on the token (its outcome reaches the circuit through the client).</param>
    /// <param name="wake">Called with each registered caller when the circuit closes.</param>
    /// <param name="probeSpacing">The least time between probes right now, if more than the probe interval (e.g. a share of a slowed budget).</param>
    public TokenCircuit(TimeProvider time, TimeSpan probeInterval, Func<CancellationToken, Task> probe, Action<string> wake, Func<TimeSpan>? probeSpacing = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(probeInterval, TimeSpan.Zero);
        this.time = time;
        this.probe = probe;
        this.probeSpacing = probeSpacing;
        this.wake = wake;
        ProbeInterval = probeInterval;
        // Probes are made for nobody in particular: not in the flow (and as the BudgetCaller) of whoever created the circuit.
        using (ExecutionContext.SuppressFlow())
        {
            timer = time.CreateTimer(static state => ((TokenCircuit)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public TimeSpan ProbeInterval { get; }

    /// <summary>Open: the token's last call got no answer, and no call has been answered since.</summary>
    public bool IsOpen
    {
        get
        {
            lock (gate)
            {
                return openedAt is not null;
            }
        }
    }

    /// <summary>Callers waiting to be woken when the circuit closes.</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return waiters.Count;
            }
        }
    }

    /// <summary>A request on the token is about to be sent (so no probe is needed meanwhile).</summary>
    public void Attempted()
    {
        lock (gate)
        {
            lastAttempt = time.GetUtcNow();
        }
    }

    /// <summary>A call got no answer after the client's retries: open, and probe while nothing else calls.</summary>
    public void Failed()
    {
        lock (gate)
        {
            if (disposed || openedAt is not null)
            {
                return;
            }

            openedAt = time.GetUtcNow();
            timer.Change(ProbeInterval, ProbeInterval);
        }
    }

    /// <summary>Northflank answered a call on the token: close, and wake every registered caller.</summary>
    public void Answered()
    {
        List<string> woken;
        lock (gate)
        {
            if (openedAt is null)
            {
                return;
            }

            openedAt = null;
            woken = [.. waiters];
            waiters.Clear();
            var now = time.GetUtcNow();
            foreach (var waiter in woken)
            {
                wokenAt[waiter] = now;
            }

            if (!disposed)
            {
                timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        foreach (var waiter in woken)
        {
            wake(waiter);
        }
    }

    /// <summary>
    /// Registers <paramref name="waiter"/> to be woken when Northflank answers again. False when the circuit is closed
    /// (another call was answered after this caller's failed), or when this caller was woken less than
    /// <see cref="RewakeAfter"/> ago: then nothing will wake it, and it should back off as usual.
    /// </summary>
    public bool WakeOnRecovery(string waiter)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var expired in wokenAt.Where(w => now - w.Value >= RewakeAfter).Select(w => w.Key).ToList())
            {
                wokenAt.Remove(expired);
            }

            if (openedAt is null || disposed || wokenAt.ContainsKey(waiter))
            {
                return false;
            }

            waiters.Add(waiter);
            return true;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            waiters.Clear();
            wokenAt.Clear();
        }

        timer.Dispose();
        stopping.Cancel();
        stopping.Dispose();
    }

    private void OnTimer()
    {
        lock (gate)
        {
            var spacing = probeSpacing?.Invoke() is { } least && least > ProbeInterval ? least : ProbeInterval;
            if (disposed || openedAt is null || probing || time.GetUtcNow() - lastAttempt < spacing)
            {
                return;
            }

            probing = true;
        }

        _ = ProbeAsync();
    }

    private async Task ProbeAsync()
    {
        try
        {
            await probe(stopping.Token);
        }
        catch (Exception e) when (e is NorthflankApiException or OperationCanceledException or ObjectDisposedException)
        {
            // The client told the circuit how it went; a probe that was put off by the budget simply comes again.
        }
        finally
        {
            lock (gate)
            {
                probing = false;
            }
        }
    }
}
