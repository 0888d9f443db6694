namespace SandboxOperator.Hosting;

/// <summary>The operator's flags, mapped onto the "Operator" configuration section.</summary>
public static class CommandLine
{
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--default-config"] = "Operator:DefaultConfig",
        ["--cluster-config-selector"] = "Operator:ClusterConfigSelector",
        ["--default-project"] = "Operator:DefaultProjectId",
        ["--allowed-projects"] = "Operator:AllowedProjects",
        ["--allow-adoption"] = "Operator:AllowAdoption",
        ["--orphan-policy"] = "Operator:OrphanPolicy",
        ["--orphan-grace-period"] = "Operator:OrphanGracePeriod",
        ["--credentials-secret"] = "Operator:CredentialsSecret",
        ["--credentials-secret-key"] = "Operator:CredentialsSecretKey",
        ["--cluster-id"] = "Operator:ClusterId",
        ["--namespaces"] = "Operator:Namespaces",
        ["--workers"] = "Operator:Workers",
        ["--progress-poll-interval"] = "Operator:ProgressPollInterval",
        ["--observation-calls-per-second"] = "Operator:ObservationCallsPerSecond",
        ["--settled-poll-interval"] = "Operator:SettledPollInterval",
        ["--drift-check-interval"] = "Operator:DriftCheckInterval",
        ["--observation"] = "Operator:Observation",
        ["--invalid-input-retry-interval"] = "Operator:InvalidInputRetryInterval",
        ["--leader-election"] = "Operator:LeaderElection",
        ["--lease-namespace"] = "Operator:LeaseNamespace",
        ["--pod-namespace"] = "Operator:PodNamespace",
        ["--kubeconfig"] = "Operator:Kubeconfig",
        ["--northflank-url"] = "Operator:Northflank:BaseUrl",
        ["--requests-per-hour"] = "Operator:Northflank:RequestsPerHour",
        ["--request-timeout"] = "Operator:Northflank:RequestTimeout",
        ["--health-address"] = "urls",
    };

    public const string Usage = """
        northflank-sandbox-operator [flags]          run the operator
        northflank-sandbox-operator crds             print the Sandbox CustomResourceDefinition

        Flags (each also settable as an environment variable Operator__<Name>, e.g. Operator__DefaultProjectId):
          --default-config NAME           ClusterNorthflankConfig for Sandboxes that name no config (default: the
                                          implicit config the next five flags make)
          --cluster-config-selector SEL   label selector of the ClusterNorthflankConfigs this operator serves (default: all)
          --default-project ID            project for Sandboxes that name none (implicit config)
          --allowed-projects A,B          further projects Sandboxes may name (implicit config)
          --credentials-secret [NS/]NAME  Secret holding the Northflank API token (implicit config; default
                                          northflank-credentials in the operator's namespace)
          --credentials-secret-key KEY    key in that Secret (default token)
          --allow-adoption true|false     Sandboxes may adopt services by annotation (implicit config; default false)
          --orphan-policy Report|Delete   services of this cluster whose Sandbox is gone (implicit config; default Report)
          --orphan-grace-period T         how long such a service is left before Delete deletes it (default 00:10:00)
          --cluster-id ID                 names this cluster in ownership tags (default "default")
          --namespaces A,B                namespaces to watch (default: all)
          --workers N                     concurrent reconciles (default 4)
          --progress-poll-interval T      list projects with changing services this often (default 00:00:00.75)
          --observation-calls-per-second R  the most calls a second the progress watch spends per token; a look
                                          costing more leaves its project longer (default 2)
          --settled-poll-interval T       look at settled sandboxes this often, via the shared list (default 01:00:00)
          --drift-check-interval T        read each settled sandbox's service whole and repair drift (default 12:00:00)
          --observation batched|naive     shared service lists (default), or a GET per look every 30 s (for comparison)
          --leader-election true|false    elect a leader through a Lease (default true)
          --lease-namespace NS            namespace of the Lease (default: the operator's)
          --pod-namespace NS              the operator's namespace, outside a cluster
          --kubeconfig PATH               kubeconfig outside a cluster (default: in-cluster, else ~/.kube/config)
          --northflank-url URL            Northflank API (default https://api.northflank.com)
          --requests-per-hour N           the token's Northflank rate limit (default 1000)
          --health-address URL            where /healthz, /readyz and /metrics are served (default http://0.0.0.0:8080)
        """;
}
