namespace ControllerRuntime;

/// <summary>
/// Leader election over a coordination.k8s.io/v1 Lease. Only the leader runs informers and workers, and only while
/// its <see cref="LeaseFence"/> holds: the fence closes when the elector stops leading or, on the local clock,
/// <see cref="RenewDeadline"/> after the last successful renewal was sent, which is before anyone else may acquire
/// the lease (<see cref="LeaseDuration"/> after they saw that renewal). Closing it cancels in-flight reconciles at
/// once and every write checks it before sending. Then the host stops with exit code 1, so the pod restarts with
/// clean caches (as controller-runtime does); a successor takes over once the lease expires.
/// </summary>
public sealed record LeaderElectionOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>The Lease that replicas of one operator compete for: name it after the operator.</summary>
    public string LeaseName { get; init; } = "controller-runtime-leader";

    /// <summary>Defaults to $POD_NAMESPACE, then the service account's namespace, then "default".</summary>
    public string? LeaseNamespace { get; init; }

    /// <summary>Defaults to $POD_NAME, then hostname plus a random suffix.</summary>
    public string? Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a leader may go without renewing before it stops writing; must be below <see cref="LeaseDuration"/>,
    /// and the gap between the two is the margin for clock-rate differences and for a write already on the wire.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    internal string ResolveIdentity() =>
        Identity
        ?? NonEmpty(Environment.GetEnvironmentVariable("POD_NAME"))
        ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";

    internal string ResolveNamespace()
    {
        if (LeaseNamespace is { Length: > 0 } ns)
        {
            return ns;
        }

        if (NonEmpty(Environment.GetEnvironmentVariable("POD_NAMESPACE")) is { } fromEnv)
        {
            return fromEnv;
        }

        const string serviceAccountNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        try
        {
            if (File.Exists(serviceAccountNamespace) && NonEmpty(File.ReadAllText(serviceAccountNamespace).Trim()) is { } fromFile)
            {
                return fromFile;
            }
        }
        catch (IOException)
        {
            // Fall through to the default.
        }

        return "default";
    }

    internal void Validate()
    {
        if (LeaseDuration <= RenewDeadline || RenewDeadline <= RetryPeriod || RetryPeriod <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Leader election needs LeaseDuration > RenewDeadline > RetryPeriod > 0.");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
