using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;

namespace SandboxOperator.Hosting;

/// <summary>
/// Everything the operator is told at start, from the "Operator" configuration section: flags (see
/// <see cref="CommandLine"/>), environment variables (<c>Operator__DefaultProjectId</c>) or appsettings.
/// </summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";

    /// <summary>A ClusterNorthflankConfig for Sandboxes that name no config; unset: the implicit config of the flags below.</summary>
    public string? DefaultConfig { get; set; }

    /// <summary>A label selector: the ClusterNorthflankConfigs this operator serves (empty: all), when several installs share a cluster.</summary>
    public string? ClusterConfigSelector { get; set; }

    /// <summary>Project for Sandboxes that name none (the implicit config).</summary>
    public string? DefaultProjectId { get; set; }

    /// <summary>Comma-separated further projects Sandboxes on the implicit config may name.</summary>
    public string? AllowedProjects { get; set; }

    /// <summary>Whether Sandboxes on the implicit config may adopt services by annotation.</summary>
    public bool AllowAdoption { get; set; }

    /// <summary>Report or Delete services of this cluster whose Sandbox is gone (implicit config).</summary>
    public string OrphanPolicy { get; set; } = Api.V1Alpha1.OrphanPolicies.Report;

    /// <summary>How long a service must stay without its Sandbox before a config that says Delete deletes it.</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The default credentials Secret as namespace/name (namespace defaults to the operator's own).</summary>
    public string CredentialsSecret { get; set; } = "northflank-credentials";

    public string CredentialsSecretKey { get; set; } = "token";

    /// <summary>Names this cluster in the ownership tags of everything the operator creates.</summary>
    public string ClusterId { get; set; } = "default";

    /// <summary>Comma-separated namespaces to watch; empty watches all.</summary>
    public string? Namespaces { get; set; }

    /// <summary>
    /// 16: a reconcile mostly waits (on Northflank, on the API server), so the write path keeps up with a burst only with
    /// many in flight; with 4, a burst of 1000 Sandboxes took 36.6 s to Ready, with 16 23.2 s (make bench, real speed).
    /// </summary>
    public int Workers { get; set; } = 16;

    public TimeSpan ProgressPollInterval { get; set; } = ReconcilerOptions.DefaultProgressPollInterval;

    public double ObservationCallsPerSecond { get; set; } = 2;

    public TimeSpan SettledPollInterval { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan DriftCheckInterval { get; set; } = TimeSpan.FromHours(12);

    public ObservationMode Observation { get; set; } = ObservationMode.Batched;

    public TimeSpan InvalidInputRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    public bool LeaderElection { get; set; } = true;

    /// <summary>Namespace of the leader-election Lease; defaults to the operator's own.</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>The operator's own namespace (the pod's, in a cluster).</summary>
    public string? PodNamespace { get; set; }

    /// <summary>Kubeconfig file to use outside a cluster; default: in-cluster config, else ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    public NorthflankClientOptions Northflank { get; set; } = new();

    /// <summary>Where the connect API (sandboxes/exec, sandboxes/log) listens, https://IP:port; empty: it is off.</summary>
    public string? ConnectAddress { get; set; }

    public string? ConnectCertFile { get; set; }

    public string? ConnectKeyFile { get; set; }

    public IReadOnlyList<string> WatchedNamespaces =>
        (Namespaces ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string OwnNamespace => PodNamespace ?? ReadServiceAccountNamespace() ?? "default";

    /// <summary>Refuses settings the operator cannot run with, naming the flag, before anything starts.</summary>
    public void Validate()
    {
        Northflank.Validate();
        if (!System.Text.RegularExpressions.Regex.IsMatch(ClusterId, OwnershipMarker.ClusterIdPattern))
        {
            throw new ArgumentException(
                $"--cluster-id '{ClusterId}' must be 1 to 40 lowercase letters, digits and dashes, starting and ending with a letter or digit (it goes into the ownership marker of every Northflank service).");
        }

        if (OrphanPolicy is not (Api.V1Alpha1.OrphanPolicies.Report or Api.V1Alpha1.OrphanPolicies.Delete))
        {
            throw new ArgumentException($"--orphan-policy '{OrphanPolicy}' must be Report or Delete.");
        }

        if (!(ObservationCallsPerSecond > 0) || ProgressPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("--observation-calls-per-second and --progress-poll-interval must be positive.");
        }
    }

    public AccessOptions ToAccessOptions()
    {
        var (ns, name) = CredentialsSecret.Split('/', 2) is [var n, var s] ? (n, s) : (OwnNamespace, CredentialsSecret);
        return new AccessOptions
        {
            DefaultConfigName = string.IsNullOrWhiteSpace(DefaultConfig) ? null : DefaultConfig.Trim(),
            DefaultProjectId = string.IsNullOrWhiteSpace(DefaultProjectId) ? null : DefaultProjectId.Trim(),
            AllowedProjects = (AllowedProjects ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            DefaultCredentialsNamespace = ns,
            DefaultCredentialsSecretName = name,
            DefaultCredentialsSecretKey = CredentialsSecretKey,
            AllowAdoption = AllowAdoption,
            OrphanPolicy = OrphanPolicy,
        };
    }

    public ReconcilerOptions ToReconcilerOptions()
    {
        return new ReconcilerOptions
        {
            ClusterId = ClusterId,
            WatchedNamespaces = WatchedNamespaces,
            OrphanGracePeriod = OrphanGracePeriod,
            ProgressPollInterval = ProgressPollInterval,
            ObservationCallsPerSecond = ObservationCallsPerSecond,
            SettledPollInterval = SettledPollInterval,
            DriftCheckInterval = DriftCheckInterval,
            Observation = Observation,
            InvalidInputRetryInterval = InvalidInputRetryInterval,
        };
    }

    private static string? ReadServiceAccountNamespace()
    {
        const string path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
