namespace SandboxOperator.Controllers.Sandboxes;

public sealed class ReconcilerOptions
{
    /// <summary>Identifies this cluster in the ownership tags, so two clusters sharing a project never take each other's services.</summary>
    public string ClusterId { get; set; } = "default";

    /// <summary>
    /// How often the progress watch lists a project while a deployment, pause, resume or delete in it is under way
    /// (naive mode: how soon each such Sandbox is read again with a GET).
    /// </summary>
    public TimeSpan ProgressPollInterval { get; set; } = DefaultProgressPollInterval;

    /// <summary>
    /// 0.75 s: Ready follows a deployment by the wait for the next round (uniform up to the interval) plus about 0.1 s
    /// to list, reconcile and write, so 0.75 s keeps that under 1 s at p95 (1 s could not), for a third more lists.
    /// </summary>
    public static readonly TimeSpan DefaultProgressPollInterval = TimeSpan.FromMilliseconds(750);

    /// <summary>
    /// The most calls a second the progress watch spends on one token's projects together (see
    /// <see cref="ObservationPace"/>): a round costing more leaves its project that much longer.
    /// </summary>
    public double ObservationCallsPerSecond { get; set; } = 2;

    /// <summary>
    /// How soon a Sandbox whose service is changing is looked at again if the progress watch has not woken it by
    /// then (batched mode; the watch normally wakes it within a poll interval of the change).
    /// </summary>
    public TimeSpan ProgressFallbackInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a settled Sandbox is looked at, through its project's shared service list.</summary>
    public TimeSpan SettledPollInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a settled Sandbox is compared in full (one GET) with its Northflank service and repaired.</summary>
    public TimeSpan DriftCheckInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Batched (shared list, GET only after writes and for drift) or Naive (a GET on every look), for comparison.</summary>
    public ObservationMode Observation { get; set; } = ObservationMode.Batched;

    /// <summary>Namespaces the operator watches (empty: all): only Sandboxes there can be its orphans' owners.</summary>
    public IReadOnlyList<string> WatchedNamespaces { get; set; } = [];

    /// <summary>How long a service must stay without its Sandbox before a config that says Delete deletes it.</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How soon a Sandbox whose spec or references are wrong is tried again without any change.</summary>
    public TimeSpan InvalidInputRetryInterval { get; set; } = TimeSpan.FromMinutes(5);
}

public enum ObservationMode
{
    /// <summary>Deployment state from each project's paged service list; a GET only where the list cannot tell.</summary>
    Batched,

    /// <summary>One GET per Sandbox on every look, settled ones every 30 seconds: the usual controller default, kept to measure against.</summary>
    Naive,
}
