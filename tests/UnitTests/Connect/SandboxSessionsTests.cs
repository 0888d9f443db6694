using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Connect;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using UnitTests.Controllers.Configs;
using UnitTests.Controllers.Sandboxes;

namespace UnitTests.Connect;

/// <summary>
/// Which Sandboxes a session may reach, and where: only a Ready, running one for exec, and only the service status
/// recorded, through the config status recorded, which must still serve the namespace and allow the project. Spec
/// fields a tenant can edit move nothing.
/// </summary>
public class SandboxSessionsTests
{
    private readonly InMemoryConfigs configs = new();
    private readonly InMemoryCluster cluster = new();
    private readonly AccessOptions flags = new() { DefaultProjectId = ReconcileRig.Project, DefaultCredentialsNamespace = "ops" };
    private readonly Dictionary<string, Sandbox> sandboxes = [];
    private SandboxSessions sessions = null!;

    [SetUp]
    public void SetUp()
    {
        // The controllers' caches stay empty, as on a standby replica: every config a session needs is read for it.
        var caches = new InMemoryConfigs();
        var access = new AccessResolver(caches, flags);
        var inputs = new InputResolver(cluster, access, new SandboxAdmission(access, caches), cluster);
        sessions = new SandboxSessions(new Source(sandboxes), access, inputs, new SessionConfigs(new ReadConfigs(configs), flags));
    }

    [Test]
    public async Task A_ready_sandbox_reaches_the_recorded_service_with_its_configs_token()
    {
        var target = await sessions.ResolveAsync(Running(), running: true, CancellationToken.None);
        Assert.That((target.ProjectId, target.ServiceId, target.Token.Reveal()), Is.EqualTo((ReconcileRig.Project, "agent-1-svc", cluster.Token)));
    }

    [Test]
    public void A_paused_sandbox_is_refused_for_exec()
    {
        var sandbox = Running();
        sandbox.Spec.OperatingMode = OperatingModes.Paused;
        Assert.That(Refusal(sandbox), Is.EqualTo((409, SandboxSessions.Paused)));
    }

    [TestCase("False")]
    [TestCase(null)]
    public void A_sandbox_that_is_not_ready_is_refused_for_exec(string? ready)
    {
        var sandbox = Running();
        sandbox.Status!.Conditions = ready is null ? null : [new V1Condition { Type = ConditionTypes.Ready, Status = ready, Reason = ReadyReasons.Deploying }];
        Assert.That(Refusal(sandbox), Is.EqualTo((409, SandboxSessions.NotReady)));
    }

    [Test]
    public async Task A_sandbox_that_is_not_ready_still_has_its_log()
    {
        var sandbox = Running();
        sandbox.Status!.Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = "False", Reason = ReadyReasons.DeploymentFailed }];
        Assert.That((await sessions.ResolveAsync(sandbox, running: false, CancellationToken.None)).ServiceId, Is.EqualTo("agent-1-svc"));
    }

    [Test]
    public void A_sandbox_without_a_recorded_service_has_nothing_to_reach()
    {
        var sandbox = Running();
        sandbox.Status!.ServiceId = null;
        Assert.That(Refusal(sandbox, running: false), Is.EqualTo((409, SandboxSessions.NotReady)));
    }

    [Test]
    public void A_recorded_cluster_config_that_no_longer_serves_the_namespace_is_refused()
    {
        AddClusterConfig("shared", "other-team");
        var sandbox = Running();
        sandbox.Status!.Config = new AppliedConfig { Kind = ClusterNorthflankConfig.EntityKind, Name = "shared" };
        Assert.That(Refusal(sandbox), Is.EqualTo((409, SandboxSessions.ConfigRefused)));
    }

    [Test]
    public void A_recorded_project_the_config_does_not_allow_is_refused()
    {
        var sandbox = Running();
        sandbox.Status!.ProjectId = "admins-project";
        Assert.That(Refusal(sandbox), Is.EqualTo((409, SandboxSessions.ConfigRefused)));
    }

    [Test]
    public async Task A_tenants_edit_of_spec_config_and_project_moves_nothing()
    {
        AddClusterConfig("admins", "team-a");
        var sandbox = Running();
        sandbox.Spec.ConfigRef = new ConfigReference { Kind = ClusterNorthflankConfig.EntityKind, Name = "admins" };
        sandbox.Spec.ProjectId = "admins-project";
        var target = await sessions.ResolveAsync(sandbox, running: true, CancellationToken.None);
        Assert.That((target.ProjectId, target.Token.Reveal()), Is.EqualTo((ReconcileRig.Project, cluster.Token)), "status's project and config, not the spec's");
    }

    [Test]
    public async Task A_recorded_config_the_caches_do_not_hold_is_read_for_the_session()
    {
        configs.Cluster.Add(new ClusterNorthflankConfig
        {
            Metadata = new V1ObjectMeta { Name = "read-per-session" },
            Spec = new ClusterNorthflankConfigSpec
            {
                Projects = ["admins-project"],
                CredentialsSecretRef = new NamespacedSecretKeySelector { Namespace = "ops", Name = "northflank-credentials" },
                Namespaces = ["team-a"],
            },
        });
        var sandbox = Running();
        sandbox.Status!.Config = new AppliedConfig { Kind = ClusterNorthflankConfig.EntityKind, Name = "read-per-session" };
        sandbox.Status.ProjectId = "admins-project";
        var target = await sessions.ResolveAsync(sandbox, running: true, CancellationToken.None);
        Assert.That((target.ProjectId, target.Token.Reveal()), Is.EqualTo(("admins-project", cluster.Token)), "a standby's empty caches are not consulted");
    }

    [Test]
    public void A_missing_sandbox_is_not_found()
    {
        Assert.That(async () => await sessions.FindAsync("team-a", "nope", CancellationToken.None),
            Throws.TypeOf<ConnectRefusedException>().With.Property(nameof(ConnectRefusedException.Code)).EqualTo(404));
    }

    private (int, string) Refusal(Sandbox sandbox, bool running = true)
    {
        var refused = Assert.ThrowsAsync<ConnectRefusedException>(() => sessions.ResolveAsync(sandbox, running, CancellationToken.None))!;
        return (refused.Code, refused.Reason);
    }

    private void AddClusterConfig(string name, string ns) => configs.Cluster.Add(new ClusterNorthflankConfig
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new ClusterNorthflankConfigSpec
        {
            Projects = ["admins-project"],
            CredentialsSecretRef = new NamespacedSecretKeySelector { Namespace = "admin-secrets", Name = "nf-token" },
            Namespaces = [ns],
        },
    });

    private static Sandbox Running()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Status = new SandboxStatus
        {
            ProjectId = ReconcileRig.Project,
            ServiceId = "agent-1-svc",
            Config = ConfigKey.Implicit.ToStatus(),
            OperatingMode = OperatingModes.Running,
            Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = "True", Reason = ReadyReasons.Available }],
        };
        return sandbox;
    }

    /// <summary>The configs as the API server answers for a session.</summary>
    internal sealed class ReadConfigs(INorthflankConfigs configs) : IConfigSource
    {
        public Task<INorthflankConfigs> ReadAsync(ConfigKey key, CancellationToken ct) => Task.FromResult(configs);
    }

    private sealed class Source(Dictionary<string, Sandbox> sandboxes) : ISandboxSource
    {
        public Task<Sandbox?> GetAsync(string @namespace, string name, CancellationToken ct) =>
            Task.FromResult(sandboxes.GetValueOrDefault($"{@namespace}/{name}"));
    }
}
