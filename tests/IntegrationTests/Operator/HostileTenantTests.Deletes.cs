using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// Deletes, tried by a tenant with rights in its own namespace only, against services an admin made directly on
/// Northflank (no marker, with a volume): every order of annotation and spec edits ends with the tenant's own service
/// deleted and nothing else touched (the simulator's request log says so).
/// </summary>
public partial class HostileTenantTests
{
    private const string AdminService = "admins-database";
    private const string AdminVolume = "admins-database-data";

    [Test]
    public async Task An_annotation_never_makes_a_delete_reach_a_service_the_Sandbox_did_not_create()
    {
        await MakeAdminServiceAsync(Project);
        StartOperator(extraArguments: ["--allow-adoption", "false"]);
        using var tenant = await TenantSandboxesAsync();

        // Named from the start: refused, then deleted with deletionPolicy Delete.
        await tenant.CreateNamespacedAsync(Annotated(NewSandbox("grab", s => s.DeletionPolicy = DeletionPolicies.Delete), AdminService), Namespace);
        await WaitForConditionAsync("grab", ConditionTypes.Synced, "False", SyncedReasons.AdoptionRefused);
        // Added once the Sandbox has its own service: refused too, and the Sandbox keeps its own service as its target.
        var own = await tenant.CreateNamespacedAsync(NewSandbox("switch"), Namespace);
        await WaitForConditionAsync("switch", ConditionTypes.Ready, "True");
        await tenant.PatchNamespacedAsync<Sandbox>(AnnotationPatch(AdminService), Namespace, "switch");
        var switched = await WaitForConditionAsync("switch", ConditionTypes.Synced, "False", SyncedReasons.AdoptionRefused);

        foreach (var name in new[] { "grab", "switch" })
        {
            await tenant.DeleteNamespacedAsync<Sandbox>(Namespace, name);
            await WaitUntilGoneAsync(name);
        }

        Assert.Multiple(() =>
        {
            Assert.That(switched.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain("already has service"));
            AssertAdminServiceUntouched(Project);
            Assert.That(ServicesOnNorthflank().Select(s => s.Id), Does.Not.Contain(SandboxNaming.CreatedName(own)), "the Sandbox's own service went with it");
        });
    }

    [Test]
    public async Task A_config_that_stops_resolving_and_another_project_move_a_delete_nowhere()
    {
        await MakeAdminServiceAsync(OtherProject);
        var adminNamespace = await ControlPlane.CreateNamespaceAsync("nf-admin");
        await CreateTokenSecretAsync(adminNamespace, "nf-token");
        var wide = await CreateClusterConfigAsync("wide", adminNamespace, projects: [Project, OtherProject]);
        StartOperator(extraArguments: ["--default-config", wide]);
        using var tenant = await TenantSandboxesAsync();

        var sandbox = await tenant.CreateNamespacedAsync(NewSandbox("mover", s => s.ProjectId = null), Namespace);
        var ready = await WaitForConditionAsync("mover", ConditionTypes.Ready, "True");
        Assert.That(ready.Status!.Config?.Name, Is.EqualTo(wide), "status records the config the service was made through");
        // The Sandbox's own name, made in the other project by the admin: what a widened delete would hit.
        using (var api = new SimulatorApi(Simulator))
        {
            await api.CreateForeignServiceAsync(OtherProject, SandboxNaming.CreatedName(sandbox));
        }

        var before = Simulator.GetRequests().Count;
        await tenant.PatchNamespacedAsync<Sandbox>(
            new V1Patch("""{"spec":{"configRef":{"kind":"ClusterNorthflankConfig","name":"no-such-config"},"projectId":"other-project"}}""", V1Patch.PatchType.MergePatch), Namespace, "mover");
        await WaitForConditionAsync("mover", ConditionTypes.Synced, "False");
        await tenant.DeleteNamespacedAsync<Sandbox>(Namespace, "mover");
        await WaitUntilGoneAsync("mover");

        var intoOther = Simulator.GetRequests().Skip(before).Where(r => r.Path.Contains($"/projects/{OtherProject}/", StringComparison.Ordinal) && r.Method != "GET").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(intoOther.Select(r => $"{r.Method} {r.Path}"), Is.Empty, "nothing was sent into the project the tenant named");
            Assert.That(ServicesOnNorthflank().Where(s => s.ProjectId == Project).Select(s => s.Id), Does.Not.Contain(SandboxNaming.CreatedName(sandbox)), "its own service went");
            AssertAdminServiceUntouched(OtherProject);
            Assert.That(ServicesOnNorthflank().Where(s => s.ProjectId == OtherProject).Select(s => s.Id), Does.Contain(SandboxNaming.CreatedName(sandbox)));
        });
    }

    [Test]
    public async Task Sandboxes_refused_before_they_had_a_service_hold_no_place_in_a_shared_quota()
    {
        var teamB = await ControlPlane.CreateNamespaceAsync("team-b");
        var adminNamespace = await ControlPlane.CreateNamespaceAsync("nf-admin");
        await CreateTokenSecretAsync(adminNamespace, "nf-token");
        var shared = await CreateClusterConfigAsync("small", adminNamespace, namespaces: [Namespace, teamB], maxSandboxes: 3);
        StartOperator(extraArguments: ["--namespaces", $"{Namespace},{teamB}", "--default-config", shared]);
        using var tenant = await TenantSandboxesAsync();

        for (var i = 0; i < 3; i++)
        {
            await tenant.CreateNamespacedAsync(NewSandbox($"broken-{i}", s => s.Env = [new SandboxEnvVar { Name = "KEY", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "missing", Key = "key" } } }]), Namespace);
        }

        for (var i = 0; i < 3; i++)
        {
            await WaitForConditionAsync($"broken-{i}", ConditionTypes.Synced, "False", SyncedReasons.ReferenceNotFound);
        }

        await Sandboxes.CreateNamespacedAsync(NewSandbox("needed"), teamB);
        await Poll.UntilAsync(async ct => Ready(await Sandboxes.ReadNamespacedAsync<Sandbox>(teamB, "needed", ct)), TimeSpan.FromSeconds(60), "team-b's Sandbox Ready");
        await Sandboxes.DeleteNamespacedAsync<Sandbox>(teamB, "needed");
    }

    private static bool Ready(Sandbox sandbox) => sandbox.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true;

    private async Task MakeAdminServiceAsync(string project)
    {
        using var api = new SimulatorApi(Simulator);
        await api.CreateForeignServiceAsync(project, AdminService);
        await api.CreateForeignVolumeAsync(project, AdminVolume, AdminService);
    }

    /// <summary>The admin's service and volume are there, and nothing but a GET was ever sent to either.</summary>
    private void AssertAdminServiceUntouched(string project)
    {
        Assert.That(ServicesOnNorthflank().Where(s => s.ProjectId == project).Select(s => s.Id), Does.Contain(AdminService));
        Assert.That(VolumesOnNorthflank().Where(v => v.ProjectId == project).Select(v => v.Id), Does.Contain(AdminVolume));
        var writes = Simulator.GetRequests().Where(r => r.Method != "GET" && (r.Path.Contains(AdminService, StringComparison.Ordinal))).Select(r => $"{r.Method} {r.Path}");
        Assert.That(writes, Is.Empty, "no write ever reached the admin's service or volume");
    }

    private static V1Patch AnnotationPatch(string serviceId) =>
        new(System.Text.Json.JsonSerializer.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = serviceId } } }), V1Patch.PatchType.MergePatch);
}
