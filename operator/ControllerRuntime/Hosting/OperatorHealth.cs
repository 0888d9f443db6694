namespace ControllerRuntime;

/// <summary>
/// Liveness/readiness state of the runtime for the host's health endpoints. A standby replica (not leader) is
/// ready; a leader is ready once all informer caches have synced.
/// </summary>
public sealed class OperatorHealth
{
    private readonly Lock _lock = new();
    private IReadOnlyList<IRunnableController> _controllers = [];
    private volatile bool _isLeader;
    private volatile bool _leadershipLost;
    private volatile string? _currentLeader;

    public bool LeaderElectionEnabled { get; internal set; }

    /// <summary>True while this replica holds the lease (always true once running without leader election).</summary>
    public bool IsLeader
    {
        get => _isLeader;
        internal set => _isLeader = value;
    }

    /// <summary>Identity of the leader as last observed, if any.</summary>
    public string? CurrentLeader
    {
        get => _currentLeader;
        internal set => _currentLeader = value;
    }

    /// <summary>True after this replica lost its lease; the host is shutting down.</summary>
    public bool LeadershipLost
    {
        get => _leadershipLost;
        internal set => _leadershipLost = value;
    }

    /// <summary>Whether the controllers of this replica run (it leads, or leader election is off).</summary>
    public bool ControllersRunning
    {
        get
        {
            lock (_lock)
            {
                return _controllers.Count > 0;
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
        lock (_lock)
        {
            _controllers = controllers;
        }
    }

    private IReadOnlyList<IRunnableController> Controllers()
    {
        lock (_lock)
        {
            return _controllers;
        }
    }
}
