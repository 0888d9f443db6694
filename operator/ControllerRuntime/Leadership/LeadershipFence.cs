namespace ControllerRuntime;

/// <summary>
/// Whether this replica may still write as the leader. Everything that writes on the leader's behalf (status and
/// finalizer patches, events, calls to an external system) checks it immediately before sending, and passes
/// <see cref="Token"/> down so that in-flight work stops the moment leadership ends. Once lost it stays lost: the
/// process exits and a restarted one starts over with clean caches.
/// </summary>
public interface ILeadershipFence
{
    /// <summary>Cancelled when leadership is lost or lapses; never reset.</summary>
    CancellationToken Token { get; }

    /// <summary>
    /// Reads the clock: false once the lease has not been renewed for the renew deadline, even if nothing else has
    /// noticed yet (a process that was frozen and has just resumed), and false after leadership was lost.
    /// </summary>
    bool IsHeld { get; }

    /// <summary>Throws <see cref="LeadershipLostException"/> unless <see cref="IsHeld"/>.</summary>
    void ThrowIfLost();
}

/// <summary>The fence without leader election (a single replica): always held, never cancelled.</summary>
public sealed class AlwaysHeldFence : ILeadershipFence
{
    public static AlwaysHeldFence Instance { get; } = new();

    private AlwaysHeldFence()
    {
    }

    public CancellationToken Token => CancellationToken.None;

    public bool IsHeld => true;

    public void ThrowIfLost()
    {
    }
}

/// <summary>
/// A write was refused because this replica is no longer (or may no longer be) the leader. A cancellation, so code
/// that lets cancellations through unlogged does the same with this.
/// </summary>
public sealed class LeadershipLostException : OperationCanceledException
{
    public LeadershipLostException()
        : this("Leadership was lost; writes are fenced off.")
    {
    }

    public LeadershipLostException(string message)
        : base(message)
    {
    }

    public LeadershipLostException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public LeadershipLostException(string message, CancellationToken token)
        : base(message, token)
    {
    }
}
