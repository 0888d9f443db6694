namespace ControllerRuntime;

/// <summary>
/// Liveness/readiness state of the runtime for the host's health endpoints. A standby replica (not leader) is
/// ready; a leader is ready once all informer caches have synced.
/// </summary>
public sealed class OperatorHealth
{
    private readonly Lock gate = new();
    private IReadOnlyList<IRunnableController> controllers = [];
    private volatile bool isLeader;
    private volatile bool leadershipLost;
    private volatile string? currentLeader;

    public bool LeaderElectionEnabled { get; internal set; }

    /// <summary>True while this replica holds the lease (always true once running without leader election).</summary>
    public bool IsLeader
    {
        get => isLeader;
        internal set => isLeader = value;
    }

    /// <summary>Identity of the leader as last observed, if any.</summary>
    public string? CurrentLeader
    {
        get => currentLeader;
        internal set => currentLeader = value;
    }

    /// <summary>True after this replica lost its lease; the host is shutting down.</summary>
    public bool LeadershipLost
    {
        get => leadershipLost;
        internal set => leadershipLost = value;
    }

    /// <summary>Whether the controllers of this replica run (it leads, or leader election is off).</summary>
    public bool ControllersRunning
    {
        get
        {
            lock (gate)
            {
                return controllers.Count > 0;
            }
        }
    }

    public bool AreInformersSynced
    {
        get
        {
            var controllers = Controllers();
            return controllers.Count > 0 && controllers.All(c => c.Informers.All(i => i.HasSynced));
        }
    }

    /// <summary>The most recent watch event or list of any informer.</summary>
    public DateTimeOffset? LastSuccessfulWatch =>
        Controllers().SelectMany(c => c.Informers).Select(i => i.LastSuccessfulWatch).Where(t => t is not null).Max();

    public bool IsLive => !LeadershipLost;

    public bool IsReady => IsLive && (ControllersRunning ? AreInformersSynced : LeaderElectionEnabled && !IsLeader);

    internal void SetControllers(IReadOnlyList<IRunnableController> controllers)
    {
        lock (gate)
        {
            this.controllers = controllers;
        }
    }

    private IReadOnlyList<IRunnableController> Controllers()
    {
        lock (gate)
        {
            return controllers;
        }
    }
}
