namespace ControllerRuntime;

/// <summary>
/// The leader's fence under leader election, kept on the local clock. The elector's lock reports every successful
/// create or update of the Lease with the time its request was sent (<see cref="Renewed"/>). Another replica may take
/// the Lease only LeaseDuration after it saw that renewal, which is after it was sent; this fence closes RenewDeadline
/// after it was sent, strictly earlier. So a leader that was frozen (SIGSTOP, a GC or VM pause) and resumes after a
/// successor took over finds the fence closed at its first check, before its elector has noticed anything; and a
/// timer closes it at the deadline even when nothing checks. Closing cancels <see cref="Token"/>, which cancels the
/// in-flight reconciles.
/// </summary>
/// <remarks>
/// Time is the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), as Go's monotonic readings are for
/// client-go, so a wall-clock step cannot reopen the fence. A fence that closed stays closed, even if a late renewal
/// then succeeds: the replica exits as one that lost its lease, like client-go's leaders at their renew deadline.
/// </remarks>
public sealed class LeaseFence : ILeadershipFence, IDisposable
{
    private readonly TimeProvider time;
    private readonly TimeSpan renewDeadline;
    private readonly CancellationTokenSource lost = new();
    private readonly ITimer deadline;
    private readonly Lock gate = new();
    private long? lastRenewSent;
    private string? lostReason;

    public LeaseFence(TimeSpan renewDeadline, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(renewDeadline, TimeSpan.Zero);
        this.renewDeadline = renewDeadline;
        this.time = time ?? TimeProvider.System;
        // The callback only reads IsHeld: reading it past the deadline is what closes the fence.
        deadline = this.time.CreateTimer(_ => _ = IsHeld, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public CancellationToken Token => lost.Token;

    /// <summary>Why the fence closed; null while it is held or before leadership was first acquired.</summary>
    public string? LostReason
    {
        get
        {
            lock (gate)
            {
                return lostReason;
            }
        }
    }

    public bool IsHeld
    {
        get
        {
            lock (gate)
            {
                if (lostReason is not null || lastRenewSent is not { } sent)
                {
                    return false;
                }

                if (time.GetElapsedTime(sent) < renewDeadline)
                {
                    return true;
                }
            }

            Lose($"the lease was not renewed within the renew deadline ({renewDeadline.TotalSeconds:0.#} s)");
            return false;
        }
    }

    public void ThrowIfLost()
    {
        if (!IsHeld)
        {
            throw new LeadershipLostException($"Not the leader: {LostReason ?? "leadership not acquired yet"}; the write was not sent.", Token);
        }
    }

    /// <summary>The lease was created or updated by this replica with a request sent at <paramref name="sentAt"/>.</summary>
    /// <param name="sentAt">A <see cref="TimeProvider.GetTimestamp"/> taken before the request was sent.</param>
    public void Renewed(long sentAt)
    {
        TimeSpan remaining;
        lock (gate)
        {
            if (lostReason is not null)
            {
                return;
            }

            if (lastRenewSent is not { } last || sentAt > last)
            {
                lastRenewSent = sentAt;
            }

            remaining = renewDeadline - time.GetElapsedTime(lastRenewSent.Value);
        }

        if (remaining <= TimeSpan.Zero)
        {
            _ = IsHeld;
            return;
        }

        deadline.Change(remaining, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Closes the fence for good and cancels <see cref="Token"/>; the first reason given is kept.</summary>
    public void Lose(string reason)
    {
        lock (gate)
        {
            if (lostReason is not null)
            {
                return;
            }

            lostReason = reason;
        }

        deadline.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // Outside the lock: cancellation runs the callbacks of every linked token (in-flight reconciles) right here.
        lost.Cancel();
    }

    public void Dispose()
    {
        deadline.Dispose();
        lost.Dispose();
    }
}
