using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using UnitTests.Controllers.Sandboxes;

namespace UnitTests.Controllers.Configs;

public class AccessResolverTests
{
    private InMemoryConfigs configs = null!;
    private AccessOptions options = null!;

    private AccessResolver Resolver => new(configs, options);

    private SandboxAdmission Admission => new(Resolver, configs);

    [SetUp]
    public void SetUp()
    {
        configs = new InMemoryConfigs();
        options = new AccessOptions { DefaultProjectId = "default-project", DefaultCredentialsNamespace = "ops" };
    }

    [Test]
    public void Without_a_config_the_operators_flags_are_the_config_and_allow_only_their_projects()
    {
        options.AllowedProjects = ["extra-project"];
        var sandbox = SandboxFactory.New(configure: s => s.ProjectId = null);

        var access = Resolver.Resolve(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(access.Config, Is.EqualTo(ConfigKey.Implicit));
            Assert.That(access.Credentials, Is.EqualTo(new SecretReference("ops", "northflank-credentials", "token")));
            Assert.That(Admission.Admit(sandbox, access), Is.EqualTo("default-project"));
            Assert.That(access.Projects, Is.EqualTo(new[] { "default-project", "extra-project" }));
            Assert.That(access.AdoptionAllowed, Is.False);
        });
        sandbox.Spec.ProjectId = "someone-elses-project";
        AssertRefused(() => Admission.Admit(sandbox, access), SyncedReasons.ProjectNotAllowed, "someone-elses-project");
    }

    [Test]
    public void A_namespaced_config_serves_only_its_own_namespace()
    {
        configs.Namespaced.Add(NamespacedConfig("team-b", "nf"));
        var sandbox = SandboxFactory.New(configure: s => s.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "nf" });

        // The Sandbox is in team-a: a NorthflankConfig named "nf" in team-b is not its config, whatever the name.
        AssertRefused(() => Resolver.Resolve(sandbox), SyncedReasons.ConfigNotFound, "team-a/nf");

        configs.Namespaced.Add(NamespacedConfig("team-a", "nf"));
        Assert.That(Resolver.Resolve(sandbox).Credentials, Is.EqualTo(new SecretReference("team-a", "nf-token", "token")));
    }

    [Test]
    public void A_cluster_config_serves_only_the_namespaces_it_lists()
    {
        configs.Cluster.Add(ClusterConfig("shared", namespaces: ["team-b"]));
        var sandbox = SandboxFactory.New(configure: s => s.ConfigRef = new ConfigReference { Name = "shared" });

        AssertRefused(() => Resolver.Resolve(sandbox), SyncedReasons.ConfigNotAllowed, "team-a");

        configs.Cluster[0].Spec.Namespaces = ["team-a", "team-b"];
        Assert.That(Resolver.Resolve(sandbox).Credentials.Namespace, Is.EqualTo("admin-secrets"));
    }

    [Test]
    public void A_config_serves_for_orphans_the_namespaces_its_Sandboxes_may_be_in()
    {
        configs.Namespaced.Add(NamespacedConfig("team-a", "nf"));
        configs.Cluster.Add(ClusterConfig("listing", namespaces: ["team-a", "team-b"]));
        configs.Cluster.Add(ClusterConfig("everyone"));

        var namespaced = AccessVia(new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "nf" });
        var listing = AccessVia(new ConfigReference { Name = "listing" });
        var everyone = AccessVia(new ConfigReference { Name = "everyone" });
        var flags = AccessVia(null);

        Assert.Multiple(() =>
        {
            Assert.That(namespaced.Serves("team-a") && !namespaced.Serves("team-b"), Is.True, "a NorthflankConfig: its own namespace only");
            Assert.That((namespaced with { Namespaces = ["team-b"] }).Serves("team-b"), Is.False, "no list widens a namespaced config");
            Assert.That(listing.Serves("team-a") && listing.Serves("team-b") && !listing.Serves("team-c"), Is.True, "a cluster config: those it lists");
            Assert.That(everyone.Serves("team-c"), Is.True, "a cluster config that lists none: every namespace");
            Assert.That(flags.Config == ConfigKey.Implicit && flags.Serves("team-c"), Is.True, "the operator's flags: every namespace");
        });
    }

    [Test]
    public void The_default_config_named_by_the_operator_is_used_when_a_Sandbox_names_none()
    {
        options = new AccessOptions { DefaultConfigName = "default" };
        var sandbox = SandboxFactory.New();

        AssertRefused(() => Resolver.Resolve(sandbox), SyncedReasons.ConfigNotFound, "ClusterNorthflankConfig default");
        configs.Cluster.Add(ClusterConfig("default"));
        Assert.That(Resolver.Resolve(sandbox).Config, Is.EqualTo(new ConfigKey(ClusterNorthflankConfig.EntityKind, null, "default")));
    }

    [Test]
    public void Plans_adoption_and_changing_project_are_checked_before_any_call()
    {
        configs.Cluster.Add(ClusterConfig("strict", plans: ["nf-compute-10"]));
        var sandbox = SandboxFactory.New(configure: s => s.ConfigRef = new ConfigReference { Name = "strict" });
        var access = Resolver.Resolve(sandbox);

        AssertRefused(() => Admission.Admit(sandbox, access), SyncedReasons.PlanNotAllowed, "nf-compute-20");
        sandbox.Spec.Plan = "nf-compute-10";
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = "legacy-service" };
        AssertRefused(() => Admission.Admit(sandbox, access), SyncedReasons.AdoptionRefused, "does not allow adopting");
        sandbox.Metadata.Annotations.Clear();
        sandbox.Status = new SandboxStatus { ProjectId = "default-project" };
        sandbox.Spec.ProjectId = "other-project";
        AssertRefused(() => Admission.Admit(sandbox, access), SyncedReasons.InvalidSpec, "cannot change");
    }

    [Test]
    public void Image_credentials_are_refused_before_any_call_unless_the_config_lists_them()
    {
        var config = ClusterConfig("private-images");
        config.Spec.ImageCredentials = ["acme-ghcr"];
        configs.Cluster.Add(config);
        configs.Cluster.Add(ClusterConfig("public-only"));
        var sandbox = SandboxFactory.New(configure: s =>
        {
            s.ConfigRef = new ConfigReference { Name = "private-images" };
            s.ImageCredentials = "other-team-ecr";
        });

        AssertRefused(() => Admission.Admit(sandbox, Resolver.Resolve(sandbox)), SyncedReasons.ImageCredentialsNotAllowed, "other-team-ecr is not one ClusterNorthflankConfig private-images allows (it allows acme-ghcr)");
        sandbox.Spec.ImageCredentials = "acme-ghcr";
        Assert.That(Admission.Admit(sandbox, Resolver.Resolve(sandbox)), Is.EqualTo("default-project"));
        sandbox.Spec.ConfigRef = new ConfigReference { Name = "public-only" };
        AssertRefused(() => Admission.Admit(sandbox, Resolver.Resolve(sandbox)), SyncedReasons.ImageCredentialsNotAllowed, "it allows none");
    }

    [Test]
    public void A_status_pointing_at_a_project_the_config_does_not_allow_is_not_trusted()
    {
        var sandbox = SandboxFactory.New(configure: s => s.ProjectId = null);
        sandbox.Status = new SandboxStatus { ProjectId = "victim-project" };

        AssertRefused(() => Admission.Admit(sandbox, Resolver.Resolve(sandbox)), SyncedReasons.ProjectNotAllowed, "victim-project");
    }

    [Test]
    public void The_maximum_counts_Sandboxes_with_a_service_or_a_create_on_its_way_and_not_those_refused_before_it()
    {
        configs.Cluster.Add(ClusterConfig("small", maxSandboxes: 2));
        var sandboxes = Enumerable.Range(1, 4).Select(i => SandboxFactory.New($"s{i}", s => s.ConfigRef = new ConfigReference { Name = "small" })).ToList();
        configs.Sandboxes.AddRange(sandboxes);
        configs.Sandboxes.Add(SandboxFactory.New("elsewhere", s => s.ConfigRef = null)); // on another config: does not count
        var running = SandboxFactory.New("running", s => s.ConfigRef = new ConfigReference { Name = "small" });
        running.Status = new SandboxStatus { ProjectId = "default-project", ServiceId = "sbx-running" };
        configs.Sandboxes.Add(running);
        var admission = Admission;
        string Admit(Sandbox sandbox) => admission.Admit(sandbox, Resolver.Resolve(sandbox));

        Assert.That(Admit(sandboxes[0]), Is.EqualTo("default-project"), "one service exists: one place is left");
        AssertRefused(() => Admit(sandboxes[1]), SyncedReasons.QuotaExceeded, "allows 2");
        Assert.That(Admit(sandboxes[0]), Is.EqualTo("default-project"), "admitting the same Sandbox again does not count it twice");

        admission.Release(sandboxes[0]); // refused after admission (say, a missing Secret): it holds no place
        Assert.That(Admit(sandboxes[1]), Is.EqualTo("default-project"));
        AssertRefused(() => Admit(sandboxes[2]), SyncedReasons.QuotaExceeded, "2 have a service or are being created");

        running.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.That(Admit(sandboxes[2]), Is.EqualTo("default-project"), "a Sandbox being deleted frees its place");
        AssertRefused(() => Admit(sandboxes[3]), SyncedReasons.QuotaExceeded, "allows 2");
    }

    private NorthflankAccess AccessVia(ConfigReference? config) => Resolver.Resolve(SandboxFactory.New(configure: s => s.ConfigRef = config));

    private static void AssertRefused(TestDelegate call, string reason, string mentions)
    {
        var refusal = Assert.Throws<InvalidInputException>(call)!;
        Assert.That(refusal.Reason, Is.EqualTo(reason));
        Assert.That(refusal.Message, Does.Contain(mentions));
    }

    private static NorthflankConfig NamespacedConfig(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new NamespacedNorthflankConfigSpec { Projects = ["default-project"], CredentialsSecretRef = new SecretKeySelector { Name = "nf-token" } },
    };

    private static ClusterNorthflankConfig ClusterConfig(string name, IList<string>? namespaces = null, IList<string>? plans = null, int? maxSandboxes = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new ClusterNorthflankConfigSpec
        {
            Projects = ["default-project"],
            CredentialsSecretRef = new NamespacedSecretKeySelector { Namespace = "admin-secrets", Name = "nf-token" },
            Namespaces = namespaces,
            Limits = new NorthflankConfigLimits { Plans = plans, MaxSandboxes = maxSandboxes },
        },
    };
}
