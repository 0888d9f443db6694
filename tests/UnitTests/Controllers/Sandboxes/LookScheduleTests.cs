using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

public class LookScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);

    private static readonly ConditionVerdict Available = ConditionVerdict.True(ReadyReasons.Available, "running");

    private static ReconcilerOptions Options(ObservationMode mode = ObservationMode.Batched) => new()
    {
        ProgressPollInterval = TimeSpan.FromSeconds(2),
        SettledPollInterval = TimeSpan.FromHours(1),
        DriftCheckInterval = TimeSpan.FromHours(12),
        Observation = mode,
    };

    private static DesiredState Desired(DateTimeOffset? shutdownTime = null) =>
        DesiredState.Build(
            SandboxFactory.New(configure: s => s.Lifecycle = shutdownTime is { } at ? new SandboxLifecycle { ShutdownTime = at, ShutdownPolicy = ShutdownPolicies.Pause } : null),
            DesiredStateTests.Inputs(),
            "prod",
            Now);

    private static SandboxStatus Status(ConditionVerdict ready, DateTimeOffset? lastDriftCheck = null, string? serviceId = "sbx-agent-1")
    {
        var conditions = Conditions.With(null, ConditionTypes.Ready, ready, 1, Now);
        conditions = Conditions.With(conditions, ConditionTypes.Synced, ConditionVerdict.True(SyncedReasons.Synced, "applied"), 1, Now);
        return new SandboxStatus { ServiceId = serviceId, Conditions = conditions, LastDriftCheck = lastDriftCheck };
    }

    [Test]
    public void A_service_still_deploying_is_looked_at_again_on_the_progress_pace()
    {
        var deploying = ConditionVerdict.False(ReadyReasons.Deploying, "deployment IN_PROGRESS");

        var next = LookSchedule.Next(deploying, Status(deploying), Desired(), Options(), Now);

        Assert.That(next, Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void A_settled_service_waits_for_the_settled_pace_in_batched_mode_and_30_seconds_in_naive_mode()
    {
        var status = Status(Available, lastDriftCheck: Now);

        Assert.Multiple(() =>
        {
            Assert.That(LookSchedule.Next(Available, status, Desired(), Options(), Now), Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(LookSchedule.Next(Available, status, Desired(), Options(ObservationMode.Naive), Now), Is.EqualTo(TimeSpan.FromSeconds(30)));
        });
    }

    [Test]
    public void A_drift_check_due_before_the_settled_pace_brings_the_next_look_forward()
    {
        var status = Status(Available, lastDriftCheck: Now - TimeSpan.FromHours(11.5));

        Assert.That(LookSchedule.Next(Available, status, Desired(), Options(), Now), Is.EqualTo(TimeSpan.FromMinutes(30)));
    }

    [Test]
    public void An_overdue_drift_check_is_looked_at_now_not_at_a_negative_delay()
    {
        var status = Status(Available, lastDriftCheck: Now - TimeSpan.FromHours(13));

        Assert.That(LookSchedule.Next(Available, status, Desired(), Options(), Now), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void A_sandbox_expiring_before_the_next_settled_look_is_looked_at_exactly_at_its_expiry()
    {
        var desired = Desired(shutdownTime: Now.AddMinutes(10));

        Assert.That(LookSchedule.Next(Available, Status(Available, Now), desired, Options(), Now), Is.EqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public void An_already_expired_sandbox_goes_back_to_the_settled_pace()
    {
        var paused = ConditionVerdict.False(ReadyReasons.Expired, "expired");
        var desired = Desired(shutdownTime: Now.AddMinutes(-10));

        Assert.That(LookSchedule.Next(paused, Status(paused, Now), desired, Options(), Now), Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public void A_settled_sandbox_whose_drift_check_is_due_is_read_whole()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Status = Status(Available, lastDriftCheck: Now - TimeSpan.FromHours(13));

        var look = LookSchedule.Choose(sandbox, new SandboxRecord("k"), Options(), Now);

        Assert.Multiple(() =>
        {
            Assert.That(look.Full, Is.True);
            Assert.That(look.NotBefore, Is.EqualTo(Now - TimeSpan.FromHours(1)), "a settled sandbox may use a list up to the settled pace old");
        });
    }

    [Test]
    public void A_deploying_sandbox_is_not_drift_checked_even_when_the_check_is_overdue()
    {
        var deploying = ConditionVerdict.False(ReadyReasons.Deploying, "deployment IN_PROGRESS");
        var sandbox = SandboxFactory.New();
        sandbox.Status = Status(deploying, lastDriftCheck: Now - TimeSpan.FromHours(13));

        var look = LookSchedule.Choose(sandbox, new SandboxRecord("k"), Options(), Now);

        Assert.Multiple(() =>
        {
            Assert.That(look.Full, Is.False, "the shared list follows a deployment; a GET would be wasted");
            Assert.That(look.NotBefore, Is.EqualTo(Now - TimeSpan.FromSeconds(2)));
        });
    }

    [Test]
    public void A_sandbox_woken_by_the_progress_watch_reads_the_look_that_woke_it_however_long_ago_it_started()
    {
        var deploying = ConditionVerdict.False(ReadyReasons.Creating, "creating the Northflank service");
        var sandbox = SandboxFactory.New();
        sandbox.Status = Status(deploying);
        // A 100-page list started 9 s ago; the Sandbox's last write was before it.
        var woken = new SandboxRecord("k") { LastWrite = Now - TimeSpan.FromSeconds(30), WokenBy = Now - TimeSpan.FromSeconds(9) };
        var wokenBeforeItsWrite = new SandboxRecord("k") { LastWrite = Now - TimeSpan.FromSeconds(5), WokenBy = Now - TimeSpan.FromSeconds(9) };
        var wokenJustNow = new SandboxRecord("k") { WokenBy = Now - TimeSpan.FromSeconds(1) };

        Assert.Multiple(() =>
        {
            Assert.That(LookSchedule.Choose(sandbox, woken, Options(), Now).NotBefore, Is.EqualTo(Now - TimeSpan.FromSeconds(9)), "the waking look, not a new list");
            Assert.That(LookSchedule.Choose(sandbox, wokenBeforeItsWrite, Options(), Now).NotBefore, Is.EqualTo(Now - TimeSpan.FromSeconds(5)), "never a look older than its last write");
            Assert.That(LookSchedule.Choose(sandbox, wokenJustNow, Options(), Now).NotBefore, Is.EqualTo(Now - TimeSpan.FromSeconds(2)), "a recent enough look is as good");
            Assert.That(LookSchedule.Choose(sandbox, new SandboxRecord("k"), Options(), Now).NotBefore, Is.EqualTo(Now - TimeSpan.FromSeconds(2)), "not woken: the progress pace");
        });
    }

    [Test]
    public void A_settled_sandbox_without_a_service_is_not_drift_checked()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Status = Status(Available, lastDriftCheck: null, serviceId: null);

        Assert.That(LookSchedule.Choose(sandbox, new SandboxRecord("k"), Options(), Now).Full, Is.False);
    }

    [Test]
    public void Before_the_delete_is_sent_only_absence_needs_a_recent_list()
    {
        var sandbox = Deleting();
        var record = new SandboxRecord("k") { LastWrite = Now - TimeSpan.FromMinutes(5) };

        var look = LookSchedule.Choose(sandbox, record, Options(), Now);

        Assert.Multiple(() =>
        {
            Assert.That(look.Full, Is.False);
            Assert.That(look.NotBefore, Is.EqualTo(Now - TimeSpan.FromMinutes(5)), "any list newer than the last write tells whose the service is");
            Assert.That(look.AbsentNotBefore, Is.EqualTo(Now - TimeSpan.FromSeconds(2)), "that it is gone must come from a recent list");
        });
    }

    [Test]
    public void After_the_delete_any_list_started_after_it_confirms_it_however_old()
    {
        var justSent = new SandboxRecord("k") { DeleteSentAt = Now - TimeSpan.FromSeconds(1) };
        var longAgo = new SandboxRecord("k") { DeleteSentAt = Now - TimeSpan.FromMinutes(1) };

        Assert.Multiple(() =>
        {
            Assert.That(LookSchedule.Choose(Deleting(), justSent, Options(), Now).NotBefore, Is.EqualTo(Now - TimeSpan.FromSeconds(1)));
            Assert.That(LookSchedule.Choose(Deleting(), longAgo, Options(), Now).NotBefore, Is.EqualTo(Now - TimeSpan.FromMinutes(1)));
        });
    }

    private static Sandbox Deleting()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Metadata.DeletionTimestamp = Now.UtcDateTime;
        sandbox.Status = new SandboxStatus { ServiceId = "sbx-agent-1", Conditions = new List<V1Condition>() };
        return sandbox;
    }
}
