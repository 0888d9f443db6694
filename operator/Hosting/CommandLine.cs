using System.Text;

namespace SandboxOperator.Hosting;

/// <summary>
/// The operator's flags, declared once: each maps onto a key of the "Operator" configuration section, and
/// <see cref="Usage"/> is written from the same declarations, so <c>--help</c> cannot drift from the flags (a test keeps
/// the flag table of docs/configuration.md equal to them too).
/// </summary>
public static class CommandLine
{
    public static readonly IReadOnlyList<Flag> Flags =
    [
        new("--default-config", "NAME", "Operator:DefaultConfig", "ClusterNorthflankConfig for Sandboxes that name no config (default: the implicit config the next flags make)"),
        new("--cluster-config-selector", "SEL", "Operator:ClusterConfigSelector", "label selector of the ClusterNorthflankConfigs this operator serves (default: all)"),
        new("--default-project", "ID", "Operator:DefaultProjectId", "project for Sandboxes that name none (implicit config)"),
        new("--allowed-projects", "A,B", "Operator:AllowedProjects", "further projects Sandboxes may name (implicit config)"),
        new("--allow-adoption", "true|false", "Operator:AllowAdoption", "Sandboxes may adopt services by annotation (implicit config; default false)"),
        new("--orphan-policy", "Report|Delete", "Operator:OrphanPolicy", "services of this cluster whose Sandbox is gone (implicit config; default Report)"),
        new("--orphan-grace-period", "T", "Operator:OrphanGracePeriod", "how long such a service is left before Delete deletes it (default 00:10:00)"),
        new("--credentials-secret", "[NS/]NAME", "Operator:CredentialsSecret", "Secret holding the Northflank API token (implicit config; default northflank-credentials in the operator's namespace)"),
        new("--credentials-secret-key", "KEY", "Operator:CredentialsSecretKey", "key in that Secret (default token)"),
        new("--cluster-id", "ID", "Operator:ClusterId", "names this cluster in the ownership marker of every service (default \"default\")"),
        new("--namespaces", "A,B", "Operator:Namespaces", "namespaces to watch (default: all)"),
        new("--workers", "N", "Operator:Workers", "concurrent Sandbox reconciles (default 16)"),
        new("--progress-poll-interval", "T", "Operator:ProgressPollInterval", "look at projects with changing services this often (default 00:00:00.75)"),
        new("--observation-calls-per-second", "R", "Operator:ObservationCallsPerSecond", "the most calls a second those looks spend per token; a look costing more leaves its project longer (default 2)"),
        new("--settled-poll-interval", "T", "Operator:SettledPollInterval", "look at settled sandboxes this often, via the shared list (default 01:00:00)"),
        new("--drift-check-interval", "T", "Operator:DriftCheckInterval", "read each settled sandbox's service whole and repair drift (default 12:00:00)"),
        new("--observation", "batched|naive", "Operator:Observation", "shared service lists (default), or a GET per look every 30 s (for comparison)"),
        new("--invalid-input-retry-interval", "T", "Operator:InvalidInputRetryInterval", "retry problems only a change can fix this slowly (default 00:05:00)"),
        new("--leader-election", "true|false", "Operator:LeaderElection", "elect a leader through a Lease (default true)"),
        new("--lease-namespace", "NS", "Operator:LeaseNamespace", "namespace of the Lease (default: the operator's)"),
        new("--pod-namespace", "NS", "Operator:PodNamespace", "the operator's namespace, outside a cluster"),
        new("--kubeconfig", "PATH", "Operator:Kubeconfig", "kubeconfig outside a cluster (default: in-cluster, else ~/.kube/config)"),
        new("--northflank-url", "URL", "Operator:Northflank:BaseUrl", "Northflank API (default https://api.northflank.com)"),
        new("--requests-per-hour", "N", "Operator:Northflank:RequestsPerHour", "the token's Northflank rate limit (default 1000)"),
        new("--request-timeout", "T", "Operator:Northflank:RequestTimeout", "per Northflank request (default 00:00:30)"),
        new("--health-address", "URL", "urls", "where /healthz, /readyz and /metrics are served (default http://0.0.0.0:8080)"),
        new("--connect-address", "URL", "Operator:ConnectAddress", "serve sandboxes/exec and sandboxes/log as an aggregated API here, e.g. https://0.0.0.0:8443 (default: off)"),
        new("--connect-cert-file", "PATH", "Operator:ConnectCertFile", "the connect API's serving certificate (PEM)"),
        new("--connect-key-file", "PATH", "Operator:ConnectKeyFile", "its private key (PEM)"),
    ];

    /// <summary>Each flag's configuration key, for <c>AddCommandLine</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = Flags.ToDictionary(f => f.Name, f => f.Key);

    public static readonly string Usage = WriteUsage();

    private static string WriteUsage()
    {
        var usage = new StringBuilder()
            .AppendLine("northflank-sandbox-operator [flags]          run the operator")
            .AppendLine("northflank-sandbox-operator crds [DIR]       print the CustomResourceDefinitions (or write one file per kind into DIR)")
            .AppendLine()
            .AppendLine("Flags (each also settable as an environment variable Operator__<Name>, e.g. Operator__DefaultProjectId):");
        var width = Flags.Max(f => f.Name.Length + f.Argument.Length) + 5;
        foreach (var flag in Flags)
        {
            usage.Append("  ").Append($"{flag.Name} {flag.Argument}".PadRight(width)).AppendLine(flag.Help);
        }

        return usage.ToString();
    }
}

/// <summary>One flag: its name, its argument's shape, the configuration key it sets, and its help line.</summary>
public sealed record Flag(string Name, string Argument, string Key, string Help);
