namespace NorthflankSimulator;

/// <summary>The container log lines the simulator makes up for running services (see README "Logs").</summary>
public sealed class LogOptions
{
    /// <summary>A running container writes one heartbeat line this often (simulated services have no real output).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a log tail sends what is new: log-tailing.md says a batch goes out "every second" (or at 32.7 kB).
    /// Tests may shorten it.
    /// </summary>
    public TimeSpan TailBatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        if (HeartbeatInterval <= TimeSpan.Zero || TailBatchInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Logs.HeartbeatInterval and Logs.TailBatchInterval must be positive.");
        }
    }
}

/// <summary>Where exec'd commands run: real processes of the simulator's own user (see README "Exec").</summary>
public sealed class ExecOptions
{
    /// <summary>
    /// Parent of the per-service working directories (<c>&lt;root&gt;/&lt;project&gt;/&lt;service&gt;</c>); null means a
    /// fresh directory under the system temp directory. The simulator deletes what it created there on shutdown.
    /// </summary>
    public string? WorkspaceRoot { get; set; }

    /// <summary>How long a new exec or log-tail connection may take to send its init frame before it is closed.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
