using k8s;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Chart;

/// <summary>
/// The real operator, running on the chart ServiceAccount's token and nothing else, in namespaced mode with its
/// home (Lease, default credentials) apart from the namespace it watches. With the chart's RBAC it runs a whole
/// Sandbox lifecycle; without any one rule it visibly fails, and recovers when the rule comes back: every rule is
/// needed, and together they are enough.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class ChartRbacLifecycleTests : Operator.OperatorTest
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>Every rule the chart renders, with what breaks without it.</summary>
    private static readonly RuleCase[] Cases =
    [
        new("watched", "sandboxes", "get,list,watch", Breakage.NeverReady),
        new("watched", "sandboxes", "patch", Breakage.NeverReady),
        new("watched", "sandboxes", "delete", Breakage.ExpiredSandboxStays),
        new("watched", "sandboxes/status", "patch", Breakage.NeverReady),
        new("watched", "secrets", "get,list,watch", Breakage.NeverReady),
        new("watched", "configmaps", "get,list,watch", Breakage.NeverReady),
        new("watched", "events", "create,patch", Breakage.NoEvents),
        new("watched", "northflankconfigs", "get,list,watch", Breakage.NeverReady),
        new("watched", "northflankconfigs/status", "patch", Breakage.ConfigNeverReady),
        new("watched", "sandboxes", "create", Breakage.ClaimNeverReady),
        new("watched", "sandboxtemplates", "get,list,watch", Breakage.NeverReady),
        new("watched", "sandboxtemplates/status", "patch", Breakage.TemplateNoStatus),
        new("watched", "sandboxwarmpools,sandboxclaims", "get,list,watch", Breakage.ClaimNeverReady),
        new("watched", "sandboxwarmpools/status,sandboxclaims/status", "patch", Breakage.ClaimNeverReady),
        new("cluster-configs", "clusternorthflankconfigs", "get,list,watch", Breakage.NeverReady),
        new("cluster-configs", "clusternorthflankconfigs/status", "patch", Breakage.ConfigNeverReady),
        new("self", "leases", "create", Breakage.NeverLeads),
        new("self", "leases [northflank-sandbox-operator]", "get,update", Breakage.NeverReady),
        new("self", "secrets [northflank-credentials]", "get", Breakage.NeverReady),
    ];

    private string home = string.Empty;
    private ChartRbac rbac = null!;

    public enum Breakage
    {
        NeverReady,
        ExpiredSandboxStays,
        NoEvents,

        /// <summary>The Sandbox lifecycle goes on, but the config of the rule's kind never gets its status.</summary>
        ConfigNeverReady,

        /// <summary>
        /// The Lease is never created. The operator logs nothing here: k8s.LeaderElection swallows the 403 of a
        /// failed Lease create (reported to the lead), so the test watches the Lease itself for a while.
        /// </summary>
        NeverLeads,

        /// <summary>The Sandbox lifecycle goes on, but a claim (from a template: a Sandbox of its own) never gets Ready.</summary>
        ClaimNeverReady,

        /// <summary>The Sandbox lifecycle goes on (the claim's too), but the claim's template never gets its status.</summary>
        TemplateNoStatus,
    }

    protected override bool StartOperatorInSetUp => false;

    private static IEnumerable<TestCaseData> RuleCases() =>
        Cases.Select(c => new TestCaseData(c).SetArgDisplayNames($"{c.Role}: {c.Resources} {c.Verbs}"));

    [SetUp]
    public async Task RenderTheChartForAnOperatorHome()
    {
        home = await ControlPlane.CreateNamespaceAsync("operator-home");
        await Admin.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = SecretName }, StringData = new Dictionary<string, string> { ["token"] = SimulatorOptions.DefaultDevelopmentToken } },
            home);
        rbac = await ChartRbac.RenderAsync(home, $"watchNamespaces={{{Namespace}}}");
    }

    [TearDown]
    public async Task DeleteTheHome()
    {
        await Admin.CoreV1.DeleteNamespaceAsync(home);
        await rbac.DeleteClusterScopedAsync(ControlPlane);
        try
        {
            await Admin.CustomObjects.DeleteClusterCustomObjectAsync(Sandbox.Group, Sandbox.Version, ClusterNorthflankConfig.Plural, ClusterConfigName);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // This test made none.
        }
    }

    private string ClusterConfigName => $"shared-{Namespace}";

    private GenericClient ClusterConfigs => new(Admin, Sandbox.Group, Sandbox.Version, ClusterNorthflankConfig.Plural, disposeClient: false);

    /// <summary>One config of each kind, on the test's credentials Secret (in the watched namespace, readable by the chart).</summary>
    private async Task CreateConfigsAsync()
    {
        var projects = new List<string> { Project };
        using var namespaced = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false);
        await namespaced.CreateNamespacedAsync(
            new NorthflankConfig { Metadata = new V1ObjectMeta { Name = "nf" }, Spec = new NamespacedNorthflankConfigSpec { Projects = projects, CredentialsSecretRef = new SecretKeySelector { Name = SecretName } } },
            Namespace);
        await ClusterConfigs.CreateAsync(new ClusterNorthflankConfig
        {
            Metadata = new V1ObjectMeta { Name = ClusterConfigName, Labels = new Dictionary<string, string> { [ClusterConfigLabel] = Namespace } },
            Spec = new ClusterNorthflankConfigSpec { Projects = projects, CredentialsSecretRef = new NamespacedSecretKeySelector { Namespace = Namespace, Name = SecretName } },
        });
    }

    private async Task<bool> ConfigReadyAsync(string kind)
    {
        NorthflankConfigStatus? status = kind == NorthflankConfig.EntityKind
            ? (await new GenericClient(Admin, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false).ReadNamespacedAsync<NorthflankConfig>(Namespace, "nf")).Status
            : (await ClusterConfigs.ReadAsync<ClusterNorthflankConfig>(ClusterConfigName)).Status;
        return status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true;
    }

    [Test]
    public void Every_rendered_rule_has_a_failure_case()
    {
        var rendered = rbac.Rules().Select(r => r.Id).ToList();

        Assert.That(rendered, Is.EquivalentTo(Cases.Select(c => c.Id(rbac.Release))), "add a case for each new chart rule");
    }

    [Test]
    public async Task With_the_charts_rbac_the_operator_runs_a_whole_lifecycle()
    {
        await CreateConfigsAsync();
        await StartOperatorWithChartTokenAsync(rbac.Yaml());

        await CreateAsync(NewSandbox("life"));
        await CreateClaimAsync();
        await WaitForConditionAsync("life", ConditionTypes.Ready, "True", ReadyReasons.Available, Generous);
        await Poll.UntilAsync(async _ => await ClaimReadyAsync(), Generous, "the claim Ready");
        await CreateAsync(NewSandbox("expiring", s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = "1s" }));
        await WaitUntilGoneAsync("expiring", Generous);
        Assert.That(await EventsForAsync("life"), Is.Not.Empty, "events are recorded");
        var lease = await Admin.CoordinationV1.ReadNamespacedLeaseAsync("northflank-sandbox-operator", home);
        Assert.That(lease.Spec.HolderIdentity, Is.Not.Empty, "the Lease in the operator's home namespace is held");

        await DeleteAsync("life");
        await Admin.CustomObjects.DeleteNamespacedCustomObjectAsync(Sandbox.Group, Sandbox.Version, Namespace, SandboxClaim.Plural, "claimed");
        await WaitUntilGoneAsync("life", Generous);
        await WaitUntilGoneAsync("claimed", Generous);

        Assert.That(ServicesOnNorthflank(), Is.Empty, "deleting the Sandbox deleted its Northflank service");
        await Poll.UntilAsync(async _ => await ConfigReadyAsync(NorthflankConfig.EntityKind) && await ConfigReadyAsync(ClusterNorthflankConfig.EntityKind), Generous, "both configs Ready");
        Assert.That(Operator.ReadLog(), Does.Not.Contain("Forbidden"));
    }

    [TestCaseSource(nameof(RuleCases))]
    public async Task Without_one_rule_the_lifecycle_fails_visibly_and_recovers_when_it_returns(RuleCase rule)
    {
        var (role, removed) = rbac.Rules().Where(r => r.Id == rule.Id(rbac.Release)).Select(r => (r.Role, r.Rule)).Single();
        await CreateConfigsAsync();
        await StartOperatorWithChartTokenAsync(rbac.YamlWithout(role, removed));
        var name = rule.Breakage == Breakage.ExpiredSandboxStays ? "expiring" : "life";
        await CreateAsync(NewSandbox(name, s => s.Lifecycle = name == "expiring" ? new SandboxLifecycle { ShutdownAfter = "1s" } : null));
        if (rule.Breakage is Breakage.ClaimNeverReady or Breakage.TemplateNoStatus)
        {
            await CreateClaimAsync();
        }

        if (rule.Breakage == Breakage.NeverLeads)
        {
            await AssertNeverLeadsAsync(name);
            await ChartRbac.ApplyAsync(ControlPlane, rbac.Yaml());
            await WaitForConditionAsync(name, ConditionTypes.Ready, "True", null, Generous);
            return;
        }

        // Visible: the API server's refusal is in the operator's log...
        await Poll.UntilAsync(_ => Task.FromResult(Operator.ReadLog().Contains("Forbidden", StringComparison.Ordinal)), Generous, $"a 403 without {rule}");

        // ...and it shows on the Sandbox.
        switch (rule.Breakage)
        {
            case Breakage.NeverReady:
                Assert.That(IsReady(await GetAsync(name)), Is.False, "Ready although the operator lacks a rule it needs");
                break;
            case Breakage.ExpiredSandboxStays:
                Assert.That(await GetAsync(name), Is.Not.Null, "expired Sandbox deleted without the delete rule");
                break;
            case Breakage.NoEvents:
                // Events are best effort: the lifecycle goes on, but nothing is recorded.
                await WaitForConditionAsync(name, ConditionTypes.Ready, "True", null, Generous);
                Assert.That(await EventsForAsync(name), Is.Empty);
                return;
            case Breakage.ClaimNeverReady:
                await WaitForConditionAsync(name, ConditionTypes.Ready, "True", null, Generous);
                Assert.That(await ClaimReadyAsync(), Is.False, $"the claim got Ready without {rule}");
                await ChartRbac.ApplyAsync(ControlPlane, rbac.Yaml());
                await Poll.UntilAsync(async _ => await ClaimReadyAsync(), Generous, "the claim Ready once the rule is back");
                return;
            case Breakage.TemplateNoStatus:
                await Poll.UntilAsync(async _ => await ClaimReadyAsync(), Generous, "the claim Ready");
                Assert.That(await TemplateStatusAsync(), Is.Null, $"the template got its status without {rule}");
                await ChartRbac.ApplyAsync(ControlPlane, rbac.Yaml());
                await Poll.UntilAsync(async _ => await TemplateStatusAsync() is { Sandboxes: 1, Claims: 1 }, Generous, "the template's status once the rule is back");
                return;
            case Breakage.ConfigNeverReady:
                var kind = rule.Resources.StartsWith("cluster", StringComparison.Ordinal) ? ClusterNorthflankConfig.EntityKind : NorthflankConfig.EntityKind;
                await WaitForConditionAsync(name, ConditionTypes.Ready, "True", null, Generous);
                Assert.That(await ConfigReadyAsync(kind), Is.False, $"{kind} got its status without {rule}");
                await ChartRbac.ApplyAsync(ControlPlane, rbac.Yaml());
                await Poll.UntilAsync(async _ => await ConfigReadyAsync(kind), Generous, $"{kind} Ready once the rule is back");
                return;
        }

        // With the rule back, the same operator process finishes the job: the rule was the only thing missing.
        await ChartRbac.ApplyAsync(ControlPlane, rbac.Yaml());
        if (rule.Breakage == Breakage.ExpiredSandboxStays)
        {
            await WaitUntilGoneAsync(name, Generous);
        }
        else
        {
            await WaitForConditionAsync(name, ConditionTypes.Ready, "True", null, Generous);
        }
    }

    /// <summary>A negative can only be watched for a while: several leader-election retry periods (2 s each).</summary>
    private async Task AssertNeverLeadsAsync(string name)
    {
        await Operator.WaitForHealthAddressAsync(Generous);
        await Poll.UntilAsync(_ => Task.FromResult(Operator.ReadLog().Contains("Waiting for leadership", StringComparison.Ordinal)), Generous, "the operator to stand for election");
        for (var i = 0; i < 20; i++)
        {
            var leases = await Admin.CoordinationV1.ListNamespacedLeaseAsync(home);
            Assert.That(leases.Items, Is.Empty, "a Lease was created without the create rule");
            Assert.That(IsReady(await GetAsync(name)), Is.False, "Ready without a leader");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private static bool IsReady(Sandbox? sandbox) =>
        sandbox?.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true;

    /// <summary>
    /// Applies the RBAC, waits until every rule in it is in force (so a 403 later is the missing rule's, not a
    /// slow authorizer cache), then runs the operator with the chart ServiceAccount's kubeconfig and leader election.
    /// </summary>
    private async Task StartOperatorWithChartTokenAsync(string yaml)
    {
        await ChartRbac.ApplyAsync(ControlPlane, yaml);
        var token = await ControlPlane.CreateServiceAccountTokenAsync(home, rbac.ServiceAccountName);
        using (var client = ControlPlane.CreateClient(token))
        {
            var applied = ChartHelm.Documents(yaml).Where(d => d.Kind() == "Role").SelectMany(role =>
                role.Seq("rules").Cast<YamlDotNet.RepresentationModel.YamlMappingNode>().Select(rule => ProbeFor(role, rule)));
            foreach (var access in applied)
            {
                await Poll.UntilAsync(async _ => await ChartRbac.CanIAsync(client, access), TimeSpan.FromSeconds(30), $"{access} to take effect");
            }
        }

        StartOperator(
            leaderElection: true,
            kubeconfig: ControlPlane.WriteKubeconfig(token),
            "--pod-namespace", home,
            "--credentials-secret", $"{home}/{SecretName}");
    }

    /// <summary>One call a rule allows: its first verb on its first resource (and name).</summary>
    private static Access ProbeFor(YamlDotNet.RepresentationModel.YamlMappingNode role, YamlDotNet.RepresentationModel.YamlMappingNode rule)
    {
        var resource = rule.Seq("resources")[0].ToString().Split('/');
        var name = rule.Has("resourceNames") ? rule.Seq("resourceNames")[0].ToString() : null;
        return new Access(
            rule.Seq("verbs")[0].ToString(),
            rule.Seq("apiGroups")[0].ToString(),
            resource[0],
            role.Map("metadata").Scalar("namespace"),
            name,
            resource.Length > 1 ? resource[1] : null);
    }

    /// <summary>A chart rule, named as <see cref="ChartRbac.Describe"/> does; Role "self" is the home Role.</summary>
    public sealed record RuleCase(string Role, string Resources, string Verbs, Breakage Breakage)
    {
        public string Id(string release) =>
            $"{release}-northflank-sandbox-operator{Role switch { "self" => "-self", "cluster-configs" => "-cluster-configs", _ => "" }}: {Resources} {Verbs}";

        public override string ToString() => $"{Role}: {Resources} {Verbs}";
    }
}
