using System.Net;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>What the planner decides for a Sandbox before Northflank is looked at, and for one being deleted.</summary>
public class SandboxPlannerDeletionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);
    private static readonly SandboxTarget Target = new("default-project", "sbx-agent-1-abcd1234", "sbx-agent-1-abcd1234-v");

    private static Sandbox Deleting(Action<SandboxSpec>? configure = null)
    {
        var sandbox = SandboxFactory.New(configure: configure);
        sandbox.Metadata.DeletionTimestamp = Now.UtcDateTime;
        return sandbox;
    }

    private static SandboxEvent OnlyEvent(SandboxOutcome? outcome) => outcome!.Events.Single();

    [TestCase(DeletionPolicies.Delete)]
    [TestCase(DeletionPolicies.Orphan)]
    public void A_deleting_sandbox_with_nowhere_a_service_could_be_is_released_without_a_word(string policy)
    {
        var outcome = SandboxPlanner.Connected(Deleting(s => s.DeletionPolicy = policy), new Connection.NothingRecorded());

        Assert.That(outcome, Is.TypeOf<Released>());
        Assert.That(outcome!.Events, Is.Empty, "nothing was created, so nothing is said to be deleted or left");
    }

    [Test]
    public void Orphaning_releases_the_sandboxs_own_service_by_replacing_its_marker_and_leaves_anything_else_alone()
    {
        var orphan = Deleting(s => s.DeletionPolicy = DeletionPolicies.Orphan);
        var connection = PlannedConnections.Deleting(Target);

        var ours = SandboxPlanner.Plan(orphan, connection, new Observation(null, null) { Owner = Ownership.Ours }, null, Now);
        var foreign = SandboxPlanner.Plan(orphan, connection, new Observation(null, null) { Owner = Ownership.Foreign }, null, Now);

        Assert.Multiple(() =>
        {
            Assert.That(ours.Changes, Is.EqualTo(new SandboxChange[] { new ReleaseService() }));
            Assert.That(foreign.Changes, Is.Empty);
            Assert.That(OnlyEvent(foreign.Outcome).Message, Does.Contain("does not carry this Sandbox's ownership marker"));
            Assert.That(OnlyEvent(SandboxPlanner.Orphaned(Target)).Message, Is.EqualTo(
                "left service sbx-agent-1-abcd1234 in project default-project on Northflank (deletion policy Orphan); its ownership marker was replaced, so no orphan collection takes it"));
        });
    }

    [Test]
    public void An_annotation_added_once_the_sandbox_has_a_service_is_refused_and_does_not_move_it()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Status = new SandboxStatus { ProjectId = "default-project", ServiceId = SandboxNaming.CreatedName(sandbox) };
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = "admins-database" };

        var outcome = SandboxPlanner.Admit(sandbox, new RecordedService("default-project", sandbox.Status.ServiceId, null)) as Refused;

        Assert.Multiple(() =>
        {
            Assert.That(outcome?.Reason, Is.EqualTo(SyncedReasons.AdoptionRefused));
            Assert.That(outcome!.Message, Does.Contain($"already has service {sandbox.Status.ServiceId}"));
            Assert.That(SandboxNaming.ServiceName(sandbox), Is.EqualTo(sandbox.Status.ServiceId), "its own service stays its target");
            Assert.That(Adoption.DeletionPolicy(sandbox), Is.EqualTo(DeletionPolicies.Delete), "what it created is deleted with it by default");
        });
    }

    [Test]
    public void A_failed_delete_lets_go_only_when_nothing_can_be_deleted_and_says_what_may_be_left()
    {
        ExternalResult Failed(HttpStatusCode status, string message) => ExternalResult.Failed(new NorthflankApiException(status, message), Observation.Nothing);

        var projectGone = SandboxPlanner.Refusal(Deleting(), Target, Failed(HttpStatusCode.NotFound, "project not found"));
        var tokenRefused = SandboxPlanner.Refusal(Deleting(), Target, Failed(HttpStatusCode.Unauthorized, "token revoked"));
        var locked = SandboxPlanner.Refusal(Deleting(), Target, Failed(HttpStatusCode.BadRequest, "service is locked"));

        Assert.Multiple(() =>
        {
            Assert.That(OnlyEvent(projectGone).Message, Is.EqualTo("project default-project is not on Northflank any more (deleted?); nothing is left to delete there"));
            Assert.That(
                OnlyEvent(tokenRefused).Message,
                Is.EqualTo("Northflank refused the token (Northflank answered 401: token revoked); service sbx-agent-1-abcd1234 in project default-project may be left on Northflank"));
            Assert.That(locked, Is.TypeOf<Deleting>());
            Assert.That(((Deleting)locked).Message, Is.EqualTo("Northflank refused the delete: Northflank answered 400: service is locked"));
        });
    }

    [Test]
    public void A_confirmed_delete_says_whether_the_volume_went_too()
    {
        var absent = new Observation(null, null) { Owner = Ownership.Absent };
        var withVolume = SandboxPlanner.Plan(Deleting(), PlannedConnections.Deleting(Target), absent, Now.AddSeconds(-5), Now);
        var withoutVolume = SandboxPlanner.Plan(Deleting(), PlannedConnections.Deleting(Target with { VolumeName = null }), absent, Now.AddSeconds(-5), Now);

        Assert.Multiple(() =>
        {
            Assert.That(OnlyEvent(withVolume.Outcome).Message, Is.EqualTo("deleted Northflank service sbx-agent-1-abcd1234 and its volume in project default-project"));
            Assert.That(OnlyEvent(withoutVolume.Outcome).Message, Is.EqualTo("deleted Northflank service sbx-agent-1-abcd1234 in project default-project"));
        });
    }

    [Test]
    public void A_volume_left_under_the_name_after_the_delete_is_warned_about()
    {
        var leftover = new Observation(null, new VolumeDetails { Id = "sbx-agent-1-abcd1234-v", Name = "sbx-agent-1-abcd1234-v" }) { Owner = Ownership.Absent };

        var plan = SandboxPlanner.Plan(Deleting(), PlannedConnections.Deleting(Target), leftover, Now.AddSeconds(-5), Now);

        Assert.That(
            plan.Outcome!.Events.Select(e => (e.Warning, e.Reason, e.Message)).Last(),
            Is.EqualTo((true, "VolumeLeft", "volume sbx-agent-1-abcd1234-v in project default-project is not attached to this Sandbox's service, so it was left on Northflank")));
    }

    [Test]
    public void A_service_of_someone_else_under_the_name_is_left_alone_and_the_warning_says_where()
    {
        var foreign = new Observation(null, null) { Owner = Ownership.Foreign };

        var plan = SandboxPlanner.Plan(Deleting(), PlannedConnections.Deleting(Target), foreign, null, Now);

        Assert.That(plan.Changes, Is.Empty);
        Assert.That(
            OnlyEvent(plan.Outcome).Message,
            Is.EqualTo("service sbx-agent-1-abcd1234 in project default-project does not carry this Sandbox's ownership marker; it was left alone"));
    }

    [Test]
    public void An_unconfirmed_delete_is_sent_again_a_minute_after_the_last_one_and_not_before()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SandboxPlanner.DeleteDue(null, Now), Is.True);
            Assert.That(SandboxPlanner.DeleteDue(Now - SandboxPlanner.DeleteRetryAfter + TimeSpan.FromSeconds(1), Now), Is.False);
            Assert.That(SandboxPlanner.DeleteDue(Now - SandboxPlanner.DeleteRetryAfter, Now), Is.True);
        });
        Assert.That(
            SandboxPlanner.AwaitingDelete(Target).Message,
            Is.EqualTo("waiting for Northflank to confirm that service sbx-agent-1-abcd1234 in project default-project is deleted"));
    }
}
