using System.Text.Json.Nodes;
using NorthflankSimulator;
using NorthflankSimulator.Api;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// Where a delete may go, tried as a hostile tenant would: a delete targets only the service the Sandbox recorded (or,
/// with nothing recorded, the name the operator gives, carrying the Sandbox's own marker), in the project and through
/// the config it was recorded with; an annotation, a changed configRef or projectId moves nothing; a service released
/// with deletionPolicy Orphan loses its marker.
/// </summary>
public class DeleteTargetTests
{
    private const string OtherProject = "other-project";
    private const string AdminService = "admins-database";

    private ReconcileRig rig = null!;

    [SetUp]
    public void SetUp()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero));
        rig = new ReconcileRig(northflank: new InProcessNorthflank(new SimulatorOptions { Projects = [ReconcileRig.Project, OtherProject] }, time), time: time);
        rig.Access.AllowedProjects = [OtherProject];
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task An_unmarked_service_named_by_the_annotation_is_never_deleted_when_the_adoption_did_not_complete(bool adoptionAllowed)
    {
        MakeAdminService(ReconcileRig.Project, AdminService);
        rig.Access.AllowAdoption = adoptionAllowed;
        var sandbox = Annotated(SandboxFactory.New(configure: s => s.DeletionPolicy = DeletionPolicies.Delete), AdminService);
        if (!adoptionAllowed)
        {
            await rig.ReconcileAsync(sandbox);
            Assert.That(Synced(sandbox), Is.EqualTo(SyncedReasons.AdoptionRefused));
        }

        await DeleteAsync(sandbox);

        Assert.That(Exists(ReconcileRig.Project, AdminService), Is.True, "the admin's service is still there");
        Assert.That(rig.Northflank.Calls, Has.None.StartsWith("DELETE").And.None.StartsWith("PATCH"));
    }

    [Test]
    public async Task An_annotation_added_to_a_sandbox_with_its_own_service_is_refused_and_its_delete_takes_its_own_service_only()
    {
        MakeAdminService(ReconcileRig.Project, AdminService);
        rig.Access.AllowAdoption = true;
        var sandbox = await rig.ReadyAsync(SandboxFactory.New());
        var own = SandboxNaming.CreatedName(sandbox);

        Annotated(sandbox, AdminService);
        await rig.ReconcileAsync(sandbox);
        Assert.That(Synced(sandbox), Is.EqualTo(SyncedReasons.AdoptionRefused));
        await DeleteAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(Exists(ReconcileRig.Project, AdminService), Is.True, "the admin's service is still there");
            Assert.That(Exists(ReconcileRig.Project, own), Is.False, "what the Sandbox created went with it");
            Assert.That(rig.Northflank.Calls, Does.Contain($"DELETE service {own}").And.None.Contains(AdminService));
        });
    }

    [Test]
    public async Task A_config_that_stops_resolving_and_another_project_in_the_spec_move_the_delete_nowhere_but_where_the_service_was_made()
    {
        var sandbox = await rig.ReadyAsync(SandboxFactory.New());
        var own = SandboxNaming.CreatedName(sandbox);
        MakeAdminService(OtherProject, own); // the same name in the project the tenant now points at
        Assert.That(rig.Cluster.Current(sandbox).Status?.Config?.Kind, Is.EqualTo("Flags"), "status records the config the service was made through");

        sandbox.Spec.ConfigRef = new ConfigReference { Name = "does-not-exist" };
        sandbox.Spec.ProjectId = OtherProject;
        await DeleteAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(Exists(OtherProject, own), Is.True, "nothing was deleted in the other project");
            Assert.That(Exists(ReconcileRig.Project, own), Is.False, "the Sandbox's own service went");
        });
    }

    [Test]
    public async Task A_sandbox_whose_config_never_resolved_deletes_nothing_and_calls_nothing()
    {
        MakeAdminService(ReconcileRig.Project, AdminService);
        var sandbox = SandboxFactory.New(configure: s => s.ConfigRef = new ConfigReference { Name = "does-not-exist" });
        await rig.ReconcileAsync(sandbox);

        var result = await DeleteAsync(sandbox);

        Assert.That(result.Released, Is.True);
        Assert.That(rig.Northflank.Calls, Is.Empty);
    }

    [Test]
    public async Task Orphaning_replaces_the_marker_so_no_orphan_collection_can_take_the_service_kept_on_purpose()
    {
        var sandbox = await rig.ReadyAsync(SandboxFactory.New(configure: s => s.DeletionPolicy = DeletionPolicies.Orphan));
        var own = SandboxNaming.CreatedName(sandbox);

        var result = await DeleteAsync(sandbox);

        var description = rig.Northflank.Store.GetService(ReconcileRig.Project, own)["description"]?.GetValue<string>();
        Assert.Multiple(() =>
        {
            Assert.That(result.Released, Is.True);
            Assert.That(OwnershipMarker.Read(description), Is.Null, "the marker is gone");
            Assert.That(description, Does.StartWith("Released by northflank-sandbox-operator (cluster prod, namespace "));
            Assert.That(rig.Cluster.Events.Select(e => e.Reason), Does.Contain("Orphaned"));
        });
    }

    /// <summary>Deletes the Sandbox and reconciles until its finalizer may go (at most a few rounds).</summary>
    private async Task<SandboxResult> DeleteAsync(Sandbox sandbox)
    {
        rig.Northflank.ClearCalls();
        sandbox.Metadata.DeletionTimestamp = DateTime.UtcNow;
        var result = new SandboxResult();
        for (var i = 0; i < 5 && !result.Released; i++)
        {
            result = await rig.ReconcileAsync(sandbox);
            rig.Time.Advance(TimeSpan.FromSeconds(5));
        }

        return result;
    }

    private static Sandbox Annotated(Sandbox sandbox, string serviceId)
    {
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = serviceId };
        return sandbox;
    }

    private string? Synced(Sandbox sandbox) => Conditions.Find(rig.Cluster.Current(sandbox).Status?.Conditions, ConditionTypes.Synced)?.Reason;

    private bool Exists(string project, string service) =>
        rig.Northflank.Store.ListServices(project).Any(s => s["id"]?.GetValue<string>() == service);

    /// <summary>A service an admin made directly on Northflank: no marker.</summary>
    private void MakeAdminService(string project, string name) =>
        rig.Northflank.Store.CreateService(project, ServiceParsers.Parse(new JsonObject
        {
            ["name"] = name,
            ["description"] = "the team's database",
            ["billing"] = new JsonObject { ["deploymentPlan"] = "nf-compute-20" },
            ["deployment"] = new JsonObject { ["instances"] = 1, ["external"] = new JsonObject { ["imagePath"] = "postgres:16" } },
        }, ServiceBody.Create), upsert: false);
}
