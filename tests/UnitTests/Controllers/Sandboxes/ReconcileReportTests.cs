using System.Net;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// One reconcile over <see cref="ReconcileRig"/>, for what <see cref="ReconcileTableTests"/> does not show: the words of
/// the events and conditions users read, when the runtime looks again, and what is written to the cluster.
/// </summary>
public class ReconcileReportTests
{
    private static Sandbox New(Action<SandboxSpec>? configure = null) => SandboxFactory.New(configure: configure);

    private static string? Message(ReconcileRig rig, Sandbox sandbox, string type) =>
        Conditions.Find(rig.Cluster.Current(sandbox).Status?.Conditions, type)?.Message;

    private static string EventMessage(ReconcileRig rig, string reason) => rig.Cluster.Events.Single(e => e.Reason == reason).Message;

    [Test]
    public async Task Each_change_sent_to_Northflank_is_told_in_an_event_naming_the_service()
    {
        var rig = new ReconcileRig();
        var sandbox = New(s => s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/work" });
        var service = SandboxNaming.ServiceName(sandbox);

        await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(EventMessage(rig, "Created"), Is.EqualTo($"created Northflank service {service} in project {ReconcileRig.Project}"));
            Assert.That(EventMessage(rig, "VolumeCreated"), Is.EqualTo($"created volume {SandboxNaming.VolumeName(sandbox)}"));
        });
    }

    [Test]
    public async Task Updating_pausing_and_resuming_are_each_told_with_the_service_name()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(New());
        var service = SandboxNaming.ServiceName(sandbox);

        sandbox.Spec.Image = "python:3.13-slim";
        sandbox.Metadata.Generation = 2;
        await rig.ReconcileAsync(sandbox);
        sandbox = await rig.ReadyAsync(sandbox);
        sandbox.Spec.OperatingMode = OperatingModes.Paused;
        sandbox.Metadata.Generation = 3;
        await rig.ReconcileAsync(sandbox);
        sandbox = await PausedAsync(rig, sandbox);
        sandbox.Spec.OperatingMode = OperatingModes.Running;
        sandbox.Metadata.Generation = 4;
        rig.Cluster.Events.Clear();
        await rig.ReconcileAsync(sandbox);

        Assert.That(rig.Cluster.Events.Select(e => e.Message), Is.EqualTo(new[] { $"resumed service {service}" }));
    }

    private static async Task<Sandbox> PausedAsync(ReconcileRig rig, Sandbox sandbox)
    {
        Assert.That(rig.Cluster.Events.Select(e => e.Message), Does.Contain($"paused service {SandboxNaming.ServiceName(sandbox)}"));
        return await rig.ReadyAsync(sandbox);
    }

    [Test]
    public async Task A_spec_change_is_told_with_why_the_service_was_updated()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(New());
        sandbox.Spec.Image = "python:3.13-slim";
        sandbox.Metadata.Generation = 2;

        await rig.ReconcileAsync(sandbox);

        Assert.That(EventMessage(rig, "Updated"), Is.EqualTo($"updated Northflank service {SandboxNaming.ServiceName(sandbox)}: spec changed"));
    }

    [Test]
    public async Task Becoming_ready_is_told_once_with_an_event()
    {
        var rig = new ReconcileRig();
        var sandbox = New();
        for (var i = 0; i < 6; i++)
        {
            await rig.ReconcileAsync(sandbox);
            rig.Time.Advance(TimeSpan.FromSeconds(5));
        }

        var ready = rig.Cluster.Events.Where(e => e.Reason == ReadyReasons.Available).ToList();
        Assert.That(ready.Select(e => (e.Warning, e.Message)), Is.EqualTo(new[] { (false, "running; deployment COMPLETED") }));
    }

    [Test]
    public async Task A_settled_sandbox_is_looked_at_again_on_the_settled_pace_and_a_deploying_one_when_the_watch_falls_back()
    {
        var rig = new ReconcileRig();

        var deploying = await rig.ReconcileAsync(New());
        var settled = await rig.ReconcileAsync(await rig.ReadyAsync(New()));

        Assert.Multiple(() =>
        {
            Assert.That(deploying.RequeueAfter, Is.EqualTo(rig.Options.ProgressFallbackInterval), "the progress watch wakes it; the requeue is a fallback");
            Assert.That(settled.RequeueAfter, Is.EqualTo(rig.Options.SettledPollInterval));
        });
    }

    [Test]
    public async Task In_naive_mode_a_deploying_sandbox_is_read_again_on_the_progress_pace()
    {
        var rig = new ReconcileRig();
        rig.Options.Observation = ObservationMode.Naive;

        var result = await rig.ReconcileAsync(New());

        Assert.That(result.RequeueAfter, Is.EqualTo(rig.Options.ProgressPollInterval));
    }

    [Test]
    public async Task After_a_drift_check_the_next_one_is_a_full_interval_away()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(New());
        rig.Time.Advance(rig.Options.DriftCheckInterval);

        var result = await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Calls(sandbox), Is.EqualTo(new[] { "GET service {svc}" }), "the drift check's GET");
            Assert.That(result.RequeueAfter, Is.EqualTo(rig.Options.SettledPollInterval), "not at once again: the check just happened");
        });
    }

    [Test]
    public async Task A_look_that_changes_nothing_writes_no_status()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(New());
        rig.Time.Advance(rig.Options.SettledPollInterval);
        var writes = rig.Cluster.StatusWrites;

        await rig.ReconcileAsync(sandbox);

        Assert.That(rig.Cluster.StatusWrites, Is.EqualTo(writes));
    }

    [Test]
    public async Task A_throttled_create_says_which_token_and_when_it_is_served_and_comes_back_then()
    {
        var rig = new ReconcileRig();
        var servedAt = rig.Time.GetUtcNow().AddMinutes(3);
        rig.Northflank.Failures["POST service"] = () => new NorthflankApiException(HttpStatusCode.TooManyRequests, "budget spent") { ServedAt = servedAt };
        var sandbox = New();

        var result = await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(result.RequeueAfter, Is.EqualTo(TimeSpan.FromMinutes(3)));
            Assert.That(
                Message(rig, sandbox, ConditionTypes.Ready),
                Is.EqualTo($"waiting for Northflank token {new NorthflankToken(NorthflankSimulator.SimulatorOptions.DefaultDevelopmentToken).Fingerprint}: Northflank answered 429 (budget spent); served at 2026-11-23T11:03:00Z"));
        });
    }

    [Test]
    public async Task An_outage_says_the_reconcile_backs_off()
    {
        var rig = new ReconcileRig();
        rig.Northflank.Failures["POST service"] = () => new NorthflankApiException(HttpStatusCode.BadGateway, "bad gateway");
        var sandbox = New();

        await rig.ReconcileAsync(sandbox);

        Assert.That(Message(rig, sandbox, ConditionTypes.Synced), Is.EqualTo("Northflank did not answer (502): retrying with backoff"));
    }

    [Test]
    public async Task A_delete_failing_in_a_row_warns_with_how_often_and_why()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(New());
        sandbox.Metadata.DeletionTimestamp = DateTime.UtcNow;
        rig.Northflank.Failures["DELETE"] = () => new NorthflankApiException(HttpStatusCode.BadGateway, "bad gateway");
        for (var attempt = 0; attempt < SandboxReconciler.DeleteFailuresBeforeWarning; attempt++)
        {
            await rig.ReconcileAsync(sandbox);
        }

        Assert.That(EventMessage(rig, "DeleteFailing"), Is.EqualTo("the delete has failed 3 times in a row: Northflank did not answer (502): retrying with backoff"));
    }

    [Test]
    public async Task An_expired_sandbox_under_shutdown_policy_Delete_is_deleted_from_the_cluster_saying_when()
    {
        var rig = new ReconcileRig();
        var shutdown = rig.Time.GetUtcNow().AddMinutes(1);
        var sandbox = await rig.ReadyAsync(New(s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = shutdown, ShutdownPolicy = ShutdownPolicies.Delete }));
        rig.Time.Advance(TimeSpan.FromMinutes(2));

        await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Cluster.DeletedSandboxes, Is.EqualTo(new[] { sandbox.Metadata.Name }));
            Assert.That(
                EventMessage(rig, "Expired"),
                Is.EqualTo($"shutdown time {shutdown:O} reached at {rig.Time.GetUtcNow():O}; deleting the Sandbox (shutdownPolicy Delete)"));
        });
    }

    [Test]
    public async Task Without_credentials_a_new_sandbox_is_refused_without_calling_Northflank()
    {
        var rig = new ReconcileRig();
        rig.Access.DefaultCredentialsNamespace = "nowhere";
        var sandbox = New();

        await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Calls(sandbox), Is.Empty);
            Assert.That(Conditions.Find(rig.Cluster.Current(sandbox).Status?.Conditions, ConditionTypes.Synced)?.Status, Is.EqualTo("False"));
        });
    }
}
