using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// Orphan collection between tenants that share a Northflank token and project: a tenant's config with
/// <c>orphans: Delete</c> judges only its own namespace's orphans. It neither deletes nor hears of a service another
/// namespace kept on purpose (<c>deletionPolicy: Orphan</c>), even while that service still carries its marker.
/// Helpers here are prefixed <c>Orphans</c>: other files of this class have their own.
/// </summary>
public partial class HostileTenantTests
{
    private const string OrphansConfigName = "nf";
    private const string OrphansTokenSecret = "nf-token";
    private static readonly TimeSpan OrphansGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan OrphansSettledPoll = TimeSpan.FromSeconds(2);

    [Test]
    public async Task A_tenants_Delete_config_never_collects_another_namespaces_service_kept_with_Orphan_nor_names_it()
    {
        var teamB = await ControlPlane.CreateNamespaceAsync("team-b");
        string[] flags = ["--namespaces", $"{Namespace},{teamB}", "--settled-poll-interval", $"{OrphansSettledPoll:c}", "--orphan-grace-period", $"{OrphansGrace:c}"];
        using var teamA = await OrphansTenantAsync();
        var teamASandboxes = new GenericClient(teamA, Sandbox.Group, Sandbox.Version, Sandbox.Plural, disposeClient: false);

        // Team-a (a tenant of this test's namespace) brings the shared token and says Delete; team-b uses the same token
        // and project through its own config, which says nothing about orphans (Report).
        await OrphansConfigAsync(teamA, Namespace, OrphanPolicies.Delete);
        await OrphansConfigAsync(Admin, teamB, OrphanPolicies.Report);
        StartOperator(extraArguments: flags);
        var lost = await teamASandboxes.CreateNamespacedAsync(NewSandbox("lost", OrphansOnConfig), Namespace);
        await teamASandboxes.CreateNamespacedAsync(NewSandbox("stays", OrphansOnConfig), Namespace);
        var kept = await Sandboxes.CreateNamespacedAsync(NewSandbox("kept", s => { OrphansOnConfig(s); s.DeletionPolicy = DeletionPolicies.Orphan; }), teamB);
        await WaitForConditionAsync("lost", ConditionTypes.Ready, "True");
        await WaitForConditionAsync("stays", ConditionTypes.Ready, "True");
        await OrphansReadyAsync(teamB, "kept");
        var keptService = SandboxNaming.ServiceName(kept);
        var lostService = SandboxNaming.ServiceName(lost);

        // Team-b releases its service on purpose: the service stays on Northflank, its marker replaced by a released
        // note (and, were that write lost, the collector still leaves it to team-b's config: OrphanCollectorTests).
        await Admin.CustomObjects.DeleteNamespacedCustomObjectAsync(Sandbox.Group, Sandbox.Version, teamB, Sandbox.Plural, "kept");
        await Poll.UntilAsync(async _ => await OrphansReadAsync(teamB, "kept") is null, TimeSpan.FromSeconds(60), "kept to be deleted");
        Assert.That(ServicesOnNorthflank().Select(s => s.Id), Does.Contain(keptService), "deletionPolicy: Orphan leaves the service");

        // A real orphan of team-a's, as a yardstick: its finalizer removed while the operator is down (a fresh operator
        // remembers no config but team-a's, the one team-a's live Sandbox is connected through).
        await Operator.StopAsync();
        await teamA.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""[{"op":"remove","path":"/metadata/finalizers"}]""", V1Patch.PatchType.JsonPatch), Sandbox.Group, Sandbox.Version, Namespace, Sandbox.Plural, "lost");
        await teamA.CustomObjects.DeleteNamespacedCustomObjectAsync(Sandbox.Group, Sandbox.Version, Namespace, Sandbox.Plural, "lost");
        await WaitUntilGoneAsync("lost");
        StartOperator(extraArguments: flags);

        // Team-a's config deletes its own orphan: the collector ran past the grace period with team-a's Delete config
        // tracked, and team-b's service was in the same project lists all along. A few more rounds (each a settled-poll
        // interval) and grace periods give a wrongly judged orphan first seen a round later every chance to go too.
        await Poll.UntilAsync(async ct => (await OrphansEventsAsync(Namespace, ct)).Any(e => e.Reason == "OrphanDeleted" && e.Message.Contains(lostService, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "team-a's config to delete team-a's orphan");
        await Task.Delay((3 * OrphansSettledPoll) + (2 * OrphansGrace));

        var teamAEvents = await OrphansEventsAsync(Namespace, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(ServicesOnNorthflank().Select(s => s.Id), Does.Contain(keptService), "team-a's Delete never reaches team-b's service");
            Assert.That(Simulator.GetRequests().Where(r => r.Method == "DELETE" && r.Path.Contains(keptService, StringComparison.Ordinal)), Is.Empty);
            Assert.That(ServicesOnNorthflank().Select(s => s.Id), Does.Not.Contain(lostService));
            Assert.That(
                teamAEvents.Where(e => new[] { teamB, keptService, kept.Metadata.Uid }.Any(secret => e.Message?.Contains(secret, StringComparison.Ordinal) == true)).Select(e => $"{e.Reason}: {e.Message}"),
                Is.Empty,
                "nothing on team-a's objects names team-b's namespace, service or Sandbox");
            Assert.That(teamAEvents.Where(e => e.Reason == "OrphanDeleted").Select(e => e.InvolvedObject.Kind), Is.EqualTo(new[] { NorthflankConfig.EntityKind }), "on team-a's config");
        });
    }

    private static void OrphansOnConfig(SandboxSpec spec) => spec.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = OrphansConfigName };

    /// <summary>A token Secret and a NorthflankConfig on the simulator's one token and project, written by that client.</summary>
    private static async Task OrphansConfigAsync(Kubernetes client, string ns, string orphans)
    {
        await client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = OrphansTokenSecret }, StringData = new Dictionary<string, string> { ["token"] = SimulatorOptions.DefaultDevelopmentToken } }, ns);
        using var configs = new GenericClient(client, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false);
        await configs.CreateNamespacedAsync(
            new NorthflankConfig
            {
                Metadata = new V1ObjectMeta { Name = OrphansConfigName },
                Spec = new NamespacedNorthflankConfigSpec { Projects = [Project], CredentialsSecretRef = new SecretKeySelector { Name = OrphansTokenSecret }, Orphans = orphans },
            },
            ns);
    }

    private async Task OrphansReadyAsync(string ns, string name) =>
        await Poll.UntilAsync(
            async _ => (await OrphansReadAsync(ns, name))?.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true,
            TimeSpan.FromSeconds(60),
            $"{ns}/{name} Ready");

    private async Task<Sandbox?> OrphansReadAsync(string ns, string name)
    {
        try
        {
            return await Sandboxes.ReadNamespacedAsync<Sandbox>(ns, name);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<IList<Corev1Event>> OrphansEventsAsync(string ns, CancellationToken ct) =>
        (await Admin.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: ct)).Items;

    /// <summary>A user who may manage Sandboxes, NorthflankConfigs and Secrets in this test's namespace (team-a) and nothing else.</summary>
    private Task<Kubernetes> OrphansTenantAsync() => TenantClientAsync(
        new V1PolicyRule { ApiGroups = [Sandbox.Group], Resources = [NorthflankConfig.Plural], Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"] },
        new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get", "create"] });
}
