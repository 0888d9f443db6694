using System.Reflection;
using SandboxOperator.Hosting;
using TestInfra;
using YamlDotNet.RepresentationModel;

namespace IntegrationTests.Chart;

/// <summary>What the chart renders, checked offline: lint, the operator's flags, the hardened pod, modes and replicas.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ChartRenderingTests
{
    [Test]
    public async Task Helm_lint_is_clean_in_strict_mode()
    {
        var result = await ChartHelm.RunAsync(["lint", "--strict", ChartHelm.ChartDirectory]);

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardOutput, Does.Not.Contain("[WARNING]").And.Not.Contain("[ERROR]"));
    }

    [Test]
    public async Task Default_renders_cluster_wide_rbac_and_only_flags_the_operator_knows()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops"));

        Assert.That(docs.Select(d => d.Kind()), Is.EquivalentTo(new[]
        {
            "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment",
            "ClusterRole", "ClusterRole", // the tenant roles aggregated into edit/admin and view
            "Secret", "Service", "APIService", "ClusterRoleBinding", "RoleBinding", // sandboxes/exec and /log (connect)
        }));
        var args = docs.OperatorArgs();
        // Parsed as the operator parses them: every flag known, every value of its type.
        var parsed = CommandLine.Parse(CommandLine.Create(_ => Task.FromResult(0), _ => { }), args);
        Assert.That(parsed.Errors.Select(e => e.Message), Is.Empty, string.Join(" ", args));
        Assert.That(args, Does.Contain("--leader-election=true"));
        Assert.That(args, Does.Contain("--credentials-secret=ops/northflank-credentials"));
        Assert.That(args, Does.Contain("--pod-namespace=$(POD_NAMESPACE)"));
        Assert.That(args.Any(a => a.StartsWith("--namespaces", StringComparison.Ordinal)), Is.False, "cluster-wide: no namespace list");
    }

    [Test]
    public async Task Every_setting_the_chart_turns_into_a_flag_parses_as_the_operator_parses_it()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops",
            "--set", "operator.defaultConfig=shared", "--set", "operator.defaultProject=web", "--set", "operator.allowedProjects={api,jobs}",
            "--set", "watchNamespaces={team-a,team-b}", "--set", "operator.allowAdoption=true", "--set", "operator.orphanPolicy=Delete",
            "--set", "operator.extraArgs[0]=--drift-check-interval=00:10:00"));
        var args = docs.OperatorArgs();

        var parsed = CommandLine.Parse(CommandLine.Create(_ => Task.FromResult(0), _ => { }), args);

        Assert.That(parsed.Errors.Select(e => e.Message), Is.Empty, string.Join(" ", args));
        Assert.That(args, Does.Contain("--allowed-projects=api,jobs").And.Contain("--allow-adoption=true").And.Contain("--drift-check-interval=00:10:00"));
    }

    [Test]
    public async Task Default_pod_is_hardened_probed_and_gets_its_identity_from_the_downward_api()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops"));
        var pod = docs.Single("Deployment").Map("spec").Map("template").Map("spec");
        var container = (YamlMappingNode)pod.Seq("containers")[0];

        Assert.Multiple(() =>
        {
            Assert.That(pod.Map("securityContext").Scalar("runAsNonRoot"), Is.EqualTo("true"));
            Assert.That(pod.Map("securityContext").Scalar("runAsUser"), Is.EqualTo("1654"), "the image's user (tests/infra/image.sh)");
            Assert.That(pod.Map("securityContext").Map("seccompProfile").Scalar("type"), Is.EqualTo("RuntimeDefault"));
            Assert.That(pod.Scalar("automountServiceAccountToken"), Is.EqualTo("true"), "the operator needs its token");
            Assert.That(docs.Single("ServiceAccount").Scalar("automountServiceAccountToken"), Is.EqualTo("false"));
            var security = container.Map("securityContext");
            Assert.That(security.Scalar("readOnlyRootFilesystem"), Is.EqualTo("true"));
            Assert.That(security.Scalar("allowPrivilegeEscalation"), Is.EqualTo("false"));
            Assert.That(security.Map("capabilities").Seq("drop").Select(n => n.ToString()), Is.EqualTo(new[] { "ALL" }));
            Assert.That(container.Map("livenessProbe").Map("httpGet").Scalar("path"), Is.EqualTo("/healthz"));
            Assert.That(container.Map("readinessProbe").Map("httpGet").Scalar("path"), Is.EqualTo("/readyz"));
            Assert.That(container.Map("livenessProbe").Map("httpGet").Scalar("port"), Is.EqualTo("health"));
            Assert.That(container.Has("resources"), Is.True);
            var env = container.Seq("env").Cast<YamlMappingNode>().ToDictionary(e => e.Scalar("name"));
            Assert.That(env["POD_NAME"].Map("valueFrom").Map("fieldRef").Scalar("fieldPath"), Is.EqualTo("metadata.name"));
            Assert.That(env["POD_NAMESPACE"].Map("valueFrom").Map("fieldRef").Scalar("fieldPath"), Is.EqualTo("metadata.namespace"));
        });
    }

    [Test]
    public async Task Namespaced_renders_a_role_per_watched_namespace_and_nothing_cluster_wide_but_reading_cluster_configs()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", "watchNamespaces={team-a,team-b}", "--set", "tenantRoles.aggregateToDefaultRoles=false"));

        var clusterRoles = docs.Where(d => d.Kind() == "ClusterRole").ToList();
        Assert.That(clusterRoles.Select(d => d.Name()), Is.EqualTo(new[] { "nso-northflank-sandbox-operator-cluster-configs" }));
        Assert.That(clusterRoles.Single().Seq("rules").Cast<YamlMappingNode>().SelectMany(r => r.Seq("resources").Select(n => n.ToString())), Has.All.StartWith("clusternorthflankconfigs"));
        var roles = docs.Where(d => d.Kind() == "Role").Select(d => d.Map("metadata").Scalar("namespace"));
        Assert.That(roles, Is.EquivalentTo(new[] { "team-a", "team-b", "ops" }));
        Assert.That(docs.Where(d => d.Kind() == "RoleBinding").Select(d => d.Map("metadata").Scalar("namespace")), Is.EquivalentTo(new[] { "team-a", "team-b", "ops", "kube-system" }), "kube-system: reading the front-proxy CA");
        Assert.That(docs.OperatorArgs(), Does.Contain("--namespaces=team-a,team-b"));
    }

    [Test]
    public async Task Without_own_tokens_namespace_editors_may_manage_sandboxes_but_not_create_a_namespaced_config()
    {
        static IEnumerable<string> EditResources(IEnumerable<YamlMappingNode> docs) => docs.Single(d => d.Kind() == "ClusterRole" && d.Name().EndsWith("-tenant-edit", StringComparison.Ordinal))
            .Seq("rules").Cast<YamlMappingNode>().SelectMany(r => r.Seq("resources").Select(n => n.ToString()));

        var withOwn = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops"));
        var without = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", "tenantRoles.ownTokens=false"));

        Assert.That(EditResources(withOwn), Does.Contain("northflankconfigs").And.Contain("sandboxes"));
        Assert.That(EditResources(without), Does.Not.Contain("northflankconfigs").And.Contain("sandboxes"));
    }

    [Test]
    public async Task Two_replicas_force_leader_election_and_add_a_pod_disruption_budget()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", "replicaCount=2", "--set", "operator.leaderElection=false"));

        Assert.That(docs.OperatorArgs(), Does.Contain("--leader-election=true"));
        var pdb = docs.Single("PodDisruptionBudget");
        Assert.That(pdb.Scalar("apiVersion"), Is.EqualTo("policy/v1"), "offline, helm assumes a current Kubernetes");
        Assert.That(docs.Single("Deployment").Map("spec").Has("strategy"), Is.False, "rolling update: a standby takes over");
    }

    [Test]
    public async Task Two_replicas_on_kubernetes_120_use_the_beta_pod_disruption_budget()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", "replicaCount=2", "--kube-version", "1.20.15"));

        Assert.That(docs.Single("PodDisruptionBudget").Scalar("apiVersion"), Is.EqualTo("policy/v1beta1"));
    }

    [Test]
    public async Task One_replica_without_leader_election_recreates_instead_of_rolling_and_has_no_pdb()
    {
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", "operator.leaderElection=false"));

        Assert.That(docs.OperatorArgs(), Does.Contain("--leader-election=false"));
        Assert.That(docs.Single("Deployment").Map("spec").Map("strategy").Scalar("type"), Is.EqualTo("Recreate"));
        Assert.That(docs.Select(d => d.Kind()), Has.None.EqualTo("PodDisruptionBudget"));
    }

    [Test]
    public async Task Token_creates_a_secret_but_never_appears_in_the_notes()
    {
        const string token = "nf-test-token-never-printed";
        var docs = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", $"credentials.token={token}"));
        var notes = await ChartHelm.RunAsync(["install", "nso", ChartHelm.ChartDirectory, "--namespace", "ops", "--dry-run=client", "--set", $"credentials.token={token}"]);

        Assert.That(docs.Where(d => d.Kind() == "Secret").Select(d => d.Name()), Does.Contain("nso-northflank-sandbox-operator-credentials"));
        Assert.That(docs.OperatorArgs(), Does.Contain("--credentials-secret=ops/nso-northflank-sandbox-operator-credentials"));
        Assert.That(notes.Succeeded, Is.True, notes.Describe().Replace(token, "***", StringComparison.Ordinal));
        var notesText = notes.StandardOutput[notes.StandardOutput.IndexOf("NOTES:", StringComparison.Ordinal)..];
        Assert.That(notesText.Contains(token, StringComparison.Ordinal), Is.False, "the token leaked into NOTES");
        Assert.That(notesText, Does.Contain("kubectl wait").And.Contain("--for=condition=Ready"));
    }

    [Test]
    public async Task Service_monitor_is_off_by_default_and_scrapes_the_metrics_port_when_on()
    {
        var off = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops"));
        var on = ChartHelm.Documents(await ChartHelm.TemplateAsync("nso", "ops", "--set", "metrics.serviceMonitor.enabled=true"));

        Assert.That(off.Select(d => d.Kind()), Has.None.EqualTo("ServiceMonitor"));
        var endpoint = (YamlMappingNode)on.Single("ServiceMonitor").Map("spec").Seq("endpoints")[0];
        Assert.That(endpoint.Scalar("port"), Is.EqualTo("metrics"));
        Assert.That(endpoint.Scalar("path"), Is.EqualTo("/metrics"));
        var port = (YamlMappingNode)on.Single("Service", "nso-northflank-sandbox-operator-metrics").Map("spec").Seq("ports")[0];
        Assert.That(port.Scalar("name"), Is.EqualTo("metrics"));
    }

    [Test]
    public void Crd_copies_equal_the_generated_crds()
    {
        var generated = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "crds"), "*.yaml").Select(Path.GetFileName).Order().ToList();
        var copies = Directory.GetFiles(Path.Combine(ChartHelm.ChartDirectory, "crds"), "*.yaml").Select(Path.GetFileName).Order().ToList();

        Assert.That(copies, Is.EqualTo(generated), "the chart's crds/ has other files than crds/: run `make crds`");
        foreach (var file in generated)
        {
            Assert.That(
                File.ReadAllText(Path.Combine(ChartHelm.ChartDirectory, "crds", file!)),
                Is.EqualTo(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "crds", file!))),
                $"the chart's {file} is stale: run `make crds` (it refreshes both copies)");
        }
    }

    [Test]
    public void App_version_matches_the_operator_assembly_version()
    {
        var chart = File.ReadAllLines(Path.Combine(ChartHelm.ChartDirectory, "Chart.yaml"));
        var appVersion = chart.Single(l => l.StartsWith("appVersion:", StringComparison.Ordinal))["appVersion:".Length..].Trim().Trim('"');
        var version = typeof(CommandLine).Assembly.GetName().Version!;

        Assert.That(appVersion, Is.EqualTo(version.ToString(3)), "Chart.yaml appVersion must follow the operator's <Version>");
        Assert.That(typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion, Does.StartWith(appVersion));
    }
}
