using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;
using UnitTests.Controllers.Configs;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// Tenants that share a Northflank token and project: an orphan (a service with this cluster's marker whose Sandbox is
/// gone) is judged, reported and deleted only by the configs that serve the namespace its marker names, never by
/// another tenant's config, and the configs are all remembered, not just the last one a Sandbox used.
/// </summary>
public class OrphanCollectorTests
{
    private const string Project = "default-project";
    private static readonly NorthflankToken Token = new("one-token-for-two-teams");
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    private FakeTimeProvider time = null!;
    private InMemoryConfigs configs = null!;
    private AccessOptions flags = null!;
    private ReconcilerOptions options = null!;
    private MarkedServicesApi api = null!;
    private RecordedReports reports = null!;
    private ServiceListCache lists = null!;
    private OrphanCollector collector = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero));
        configs = new InMemoryConfigs();
        flags = new AccessOptions { DefaultProjectId = Project, DefaultCredentialsNamespace = "ops" };
        options = new ReconcilerOptions { ClusterId = "prod", OrphanGracePeriod = Grace, SettledPollInterval = TimeSpan.FromHours(1) };
        api = new MarkedServicesApi();
        reports = new RecordedReports();
        lists = new ServiceListCache(time);
        collector = new OrphanCollector(lists, configs, reports, options, time);
    }

    [Test]
    public async Task Another_namespaces_Delete_config_on_the_same_token_and_project_neither_deletes_nor_hears_of_an_orphan()
    {
        collector.Track(NamespacedConfig("team-a", OrphanPolicies.Delete), Token, Project, api);
        var teamB = Orphan("team-b", "kept");

        await ListPastGraceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(api.Deleted, Is.Empty, "team-a's config may not delete team-b's service");
            Assert.That(reports.Events, Is.Empty, "no Event anywhere: the only config tracked does not serve team-b");
            Assert.That(reports.Unjudged, Is.EqualTo(new[] { teamB }), "the operator's own log says it was left");
            Assert.That(collector.Count, Is.EqualTo(1), "counted in the operator's gauge");
        });
    }

    [Test]
    public async Task An_orphan_is_reported_only_to_the_config_of_its_namespace_which_decides()
    {
        collector.Track(NamespacedConfig("team-a", OrphanPolicies.Delete), Token, Project, api);
        collector.Track(NamespacedConfig("team-b", OrphanPolicies.Report), Token, Project, api);
        var teamB = Orphan("team-b", "kept");

        await ListPastGraceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(reports.Events, Is.EqualTo(new[] { $"OrphanFound NorthflankConfig team-b/nf {teamB} team-b" }));
            Assert.That(api.Deleted, Is.Empty, "team-b's config says Report");
        });
    }

    [Test]
    public async Task Every_config_on_a_token_and_project_is_tracked_the_last_one_does_not_replace_the_first()
    {
        collector.Track(NamespacedConfig("team-a", OrphanPolicies.Delete), Token, Project, api);
        collector.Track(NamespacedConfig("team-b", OrphanPolicies.Report), Token, Project, api);
        var teamA = Orphan("team-a", "lost");

        await ListPastGraceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(api.Deleted, Is.EqualTo(new[] { teamA }), "team-a's config, tracked first, still judges team-a's orphan");
            Assert.That(reports.Events, Is.EqualTo(new[]
            {
                $"OrphanFound NorthflankConfig team-a/nf {teamA} team-a",
                $"OrphanDeleted NorthflankConfig team-a/nf {teamA} team-a",
            }));
            Assert.That(collector.Count, Is.Zero);
        });
    }

    [Test]
    public async Task A_cluster_config_judges_the_namespaces_it_lists_and_no_other()
    {
        collector.Track(ClusterConfig("shared", OrphanPolicies.Delete, "team-a", "team-b"), Token, Project, api);
        var teamA = Orphan("team-a", "lost");
        var teamB = Orphan("team-b", "lost");
        var teamC = Orphan("team-c", "lost");

        await ListPastGraceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(api.Deleted, Is.EquivalentTo(new[] { teamA, teamB }));
            Assert.That(reports.Events.Where(e => e.StartsWith("OrphanFound ClusterNorthflankConfig shared ", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(2));
            Assert.That(reports.Events, Has.None.Contain("team-c"), "team-c is not the config's to judge");
            Assert.That(reports.Unjudged, Is.EqualTo(new[] { teamC }));
        });
    }

    [Test]
    public async Task A_cluster_config_that_lists_no_namespace_and_the_operators_flags_judge_every_watched_namespace()
    {
        options.WatchedNamespaces = ["team-a", "team-b"];
        flags.OrphanPolicy = OrphanPolicies.Delete;
        collector.Track(ClusterConfig("everyone", OrphanPolicies.Delete), Token, Project, api);
        collector.Track(new AccessResolver(configs, flags).Resolve(SandboxIn("team-a", "flagged")), Token, Project, api);
        var teamB = Orphan("team-b", "lost");
        Orphan("unwatched", "lost");

        await ListPastGraceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(api.Deleted, Is.EqualTo(new[] { teamB }), "a namespace this operator does not watch has no orphans of its");
            Assert.That(reports.Events.Where(e => e.StartsWith("OrphanFound", StringComparison.Ordinal)), Is.EquivalentTo(new[]
            {
                $"OrphanFound ClusterNorthflankConfig everyone {teamB} team-b",
                $"OrphanFound {ConfigKey.Implicit} {teamB} team-b",
            }));
        });
    }

    [Test]
    public async Task An_orphan_two_configs_of_its_namespace_judge_is_deleted_only_when_both_say_Delete()
    {
        collector.Track(NamespacedConfig("team-a", OrphanPolicies.Delete), Token, Project, api);
        collector.Track(ClusterConfig("shared", OrphanPolicies.Report, "team-a"), Token, Project, api);
        var teamA = Orphan("team-a", "lost");

        await ListPastGraceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(api.Deleted, Is.Empty, "it may have been created through the config that says Report");
            Assert.That(reports.Events, Is.EquivalentTo(new[]
            {
                $"OrphanFound NorthflankConfig team-a/nf {teamA} team-a",
                $"OrphanFound ClusterNorthflankConfig shared {teamA} team-a",
            }));
        });
    }

    [Test]
    public async Task An_orphan_first_seen_unjudged_is_deleted_a_grace_period_after_a_config_of_its_namespace_sees_it()
    {
        collector.Track(NamespacedConfig("team-a", OrphanPolicies.Delete), Token, Project, api);
        var teamB = Orphan("team-b", "lost");
        await ListPastGraceAsync();
        Assert.That(api.Deleted, Is.Empty);

        collector.Track(NamespacedConfig("team-b", OrphanPolicies.Delete), Token, Project, api);
        await ListAsync();
        Assert.That(api.Deleted, Is.Empty, "the grace period runs from team-b's config's first Event, not from the first sight");

        await ListPastGraceAsync();
        Assert.That(api.Deleted, Is.EqualTo(new[] { teamB }));
        Assert.That(reports.Events, Has.All.Contain("NorthflankConfig team-b/nf"));
    }

    [Test]
    public async Task A_config_no_Sandbox_was_connected_through_lately_is_forgotten_with_the_orphans_only_it_reached()
    {
        collector.Track(NamespacedConfig("team-a", OrphanPolicies.Report), Token, Project, api);
        Orphan("team-a", "lost");
        await ListAsync();
        Assert.That(collector.Count, Is.EqualTo(1));

        time.Advance(collector.KeepFor - TimeSpan.FromSeconds(2));
        await collector.PollAsync(CancellationToken.None);
        Assert.That(collector.Count, Is.EqualTo(1), "kept while its Sandboxes may still be reconciled");

        time.Advance(TimeSpan.FromSeconds(3));
        await collector.PollAsync(CancellationToken.None);
        reports.Events.Clear();
        await ListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(collector.Count, Is.Zero, "nothing tracks that token and project any more");
            Assert.That(reports.Events, Is.Empty, "a forgotten config judges nothing");
        });
    }

    /// <summary>A fresh list a second on (one at the same instant would be served from the cache, judging nothing).</summary>
    private async Task ListAsync()
    {
        time.Advance(TimeSpan.FromSeconds(1));
        await lists.GetAsync(api, Token, Project, time.GetUtcNow(), RequestPriority.Observe, CancellationToken.None);
    }

    /// <summary>Lists, lets the grace period pass, lists again (the fake answers at once, so any delete is done).</summary>
    private async Task ListPastGraceAsync()
    {
        await ListAsync();
        time.Advance(Grace + TimeSpan.FromSeconds(1));
        await ListAsync();
    }

    /// <summary>A service marked for a Sandbox of that namespace that no longer exists; returns its id.</summary>
    private string Orphan(string ns, string sandboxName)
    {
        var gone = SandboxIn(ns, sandboxName);
        var id = $"{sandboxName}-{ns}";
        api.Services[id] = new ServiceDetails { Id = id, Name = id, Description = OwnershipMarker.Description(gone, options.ClusterId) };
        return id;
    }

    private static Sandbox SandboxIn(string ns, string name, ConfigReference? config = null)
    {
        var sandbox = SandboxFactory.New(name, s => s.ConfigRef = config);
        sandbox.Metadata.NamespaceProperty = ns;
        sandbox.Metadata.Uid = $"uid-{ns}-{name}";
        return sandbox;
    }

    /// <summary>A NorthflankConfig <c>nf</c> in the namespace, as a Sandbox there is connected through it.</summary>
    private NorthflankAccess NamespacedConfig(string ns, string orphans)
    {
        configs.Namespaced.Add(new NorthflankConfig
        {
            Metadata = new V1ObjectMeta { Name = "nf", NamespaceProperty = ns },
            Spec = new NamespacedNorthflankConfigSpec { Projects = [Project], CredentialsSecretRef = new SecretKeySelector { Name = "nf-token" }, Orphans = orphans },
        });
        return new AccessResolver(configs, flags).Resolve(SandboxIn(ns, "user", new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "nf" }));
    }

    /// <summary>A ClusterNorthflankConfig listing those namespaces (all when none), as a Sandbox it serves is connected through it.</summary>
    private NorthflankAccess ClusterConfig(string name, string orphans, params string[] namespaces)
    {
        configs.Cluster.Add(new ClusterNorthflankConfig
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new ClusterNorthflankConfigSpec
            {
                Projects = [Project],
                CredentialsSecretRef = new NamespacedSecretKeySelector { Namespace = "admin-secrets", Name = "nf-token" },
                Namespaces = namespaces.Length == 0 ? null : namespaces,
                Orphans = orphans,
            },
        });
        return new AccessResolver(configs, flags).Resolve(SandboxIn(namespaces.FirstOrDefault() ?? "team-a", "user", new ConfigReference { Name = name }));
    }

    /// <summary>Each Event as <c>REASON CONFIG SERVICE NAMESPACE</c>, and the orphans only the operator's log hears of.</summary>
    private sealed class RecordedReports : IOrphanReporter
    {
        public List<string> Events { get; } = [];

        public List<string> Unjudged { get; } = [];

        public void Found(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner) =>
            Events.Add($"OrphanFound {config} {serviceId} {owner.Namespace}");

        public void Deleted(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner) =>
            Events.Add($"OrphanDeleted {config} {serviceId} {owner.Namespace}");

        void IOrphanReporter.Unjudged(string projectId, string serviceId, OwnershipMarker.Owner owner) => Unjudged.Add(serviceId);
    }

    /// <summary>A project's services as Northflank lists and reads them; deletes recorded. Answers at once.</summary>
    private sealed class MarkedServicesApi : INorthflankApi
    {
        public Dictionary<string, ServiceDetails> Services { get; } = [];

        public List<string> Deleted { get; } = [];

        public Task<IReadOnlyList<ServiceSummary>> ListServicesAsync(string projectId, RequestPriority priority, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<ServiceSummary>>([.. Services.Values]);

        public Task<ServiceDetails?> GetServiceAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct) =>
            Task.FromResult(Services.GetValueOrDefault(serviceId));

        public Task PatchServiceDescriptionAsync(string projectId, string serviceId, string description, CancellationToken ct) => throw new NotSupportedException();

        public Task RemoveEnvironmentAsync(string projectId, string serviceId, IReadOnlyList<string> names, CancellationToken ct) => throw new NotSupportedException();

        public Task DeleteServiceAsync(string projectId, string serviceId, bool deleteChildObjects, CancellationToken ct)
        {
            Deleted.Add(serviceId);
            Services.Remove(serviceId);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<string>> ListProjectsAsync(RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

        public Task<ServiceDetails> CreateDeploymentServiceAsync(string projectId, CreateServiceRequest request, CancellationToken ct) => throw new NotSupportedException();

        public Task<ServiceDetails> PatchDeploymentServiceAsync(string projectId, string serviceId, ServiceSpec spec, CancellationToken ct) => throw new NotSupportedException();

        public Task PauseServiceAsync(string projectId, string serviceId, CancellationToken ct) => throw new NotSupportedException();

        public Task ResumeServiceAsync(string projectId, string serviceId, int? instances, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<ServiceContainer>> ListContainersAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

        public Task<VolumeDetails> CreateVolumeAsync(string projectId, VolumeRequest request, CancellationToken ct) => throw new NotSupportedException();

        public Task<VolumeDetails?> GetVolumeAsync(string projectId, string volumeId, RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

        public Task DeleteVolumeAsync(string projectId, string volumeId, CancellationToken ct) => throw new NotSupportedException();
    }
}
