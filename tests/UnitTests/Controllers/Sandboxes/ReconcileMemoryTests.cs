using System.Net;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// What one reconcile leaves behind for the next ones, over <see cref="ReconcileRig"/>: the progress watch's waits, the
/// status it wrote (for a cache that has not caught up) and the Ready reasons the gauge reports.
/// </summary>
public class ReconcileMemoryTests
{
    [Test]
    public async Task A_service_being_created_is_left_to_the_progress_watch_and_a_settled_one_is_not()
    {
        var rig = new ReconcileRig();

        await rig.ReconcileAsync(SandboxFactory.New("deploying"));
        var waitingWhileDeploying = rig.Progress.Count;
        await rig.ReadyAsync(SandboxFactory.New("deploying"));
        var waitingOnceReady = rig.Progress.Count;
        await rig.ReadyAsync(SandboxFactory.New("settled"));
        var settled = await rig.ReconcileAsync(SandboxFactory.New("settled"));

        Assert.Multiple(() =>
        {
            Assert.That(waitingWhileDeploying, Is.EqualTo(1));
            Assert.That(waitingOnceReady, Is.Zero, "the reconcile that saw it Ready took it off the watch");
            Assert.That(settled.RequeueAfter, Is.EqualTo(rig.Options.SettledPollInterval));
        });
    }

    [Test]
    public async Task A_sent_delete_is_left_to_the_progress_watch_to_confirm()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(SandboxFactory.New());
        sandbox.Metadata.DeletionTimestamp = DateTime.UtcNow;

        var result = await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Calls(sandbox), Is.EqualTo(new[] { "DELETE service {svc}" }));
            Assert.That(rig.Progress.Count, Is.EqualTo(1), "the first list without the service wakes it");
            Assert.That(result.RequeueAfter, Is.EqualTo(rig.Options.ProgressFallbackInterval));
        });
    }

    [Test]
    public async Task A_delete_the_list_in_hand_confirms_is_released_while_a_mass_delete_holds_every_slot_of_the_token()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(SandboxFactory.New());
        sandbox.Metadata.DeletionTimestamp = DateTime.UtcNow;
        await rig.ReconcileAsync(sandbox);
        var token = new NorthflankToken(SimulatorOptions.DefaultDevelopmentToken).Fingerprint;
        var held = Enumerable.Range(0, 3).Count(i => rig.Lanes.TryEnter(token, $"bench/other-{i}"));

        // The echo of its own status write finds no list since the DELETE and every slot taken: it is parked, and must
        // still be woken by the progress watch.
        var parked = await rig.ReconcileAsync(sandbox);
        var waitingWhileParked = rig.Progress.Count;
        rig.Time.Advance(TimeSpan.FromMilliseconds(10));
        var woken = new List<string>();
        await rig.Progress.PollOnceAsync((_, name) => woken.Add(name), CancellationToken.None);
        var released = await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(held, Is.EqualTo(3), "the token's share of 4 workers");
            Assert.That(parked.RequeueAfter, Is.EqualTo(rig.Options.ProgressFallbackInterval));
            Assert.That(waitingWhileParked, Is.EqualTo(1), "a parked reconcile keeps what the last one waits for");
            Assert.That(woken, Is.EqualTo(new[] { sandbox.Metadata.Name }));
            Assert.That(released.Released, Is.True, "confirmed from the list in hand, without a slot");
            Assert.That(rig.Lanes.InFlight(token), Is.EqualTo(3));
            Assert.That(rig.Calls(sandbox), Is.EqualTo(new[] { "DELETE service {svc}", "GET services" }));
        });

        // It left its place in line: the next slot freed goes to whoever queues next, not held for it.
        rig.Lanes.Exit(token);
        Assert.That(rig.Lanes.TryEnter(token, "bench/newcomer"), Is.True);
    }

    [Test]
    public async Task A_reconcile_handed_a_copy_from_before_its_own_write_does_not_apply_the_spec_again()
    {
        var rig = new ReconcileRig();
        rig.Northflank.Before["POST service"] = () => rig.Time.Advance(TimeSpan.FromMilliseconds(10)); // The list came first.
        await rig.ReconcileAsync(SandboxFactory.New());
        rig.Northflank.ClearCalls();
        rig.Time.Advance(TimeSpan.FromSeconds(1));

        // The informer has not brought the status back yet: the same Sandbox, at the version the write replaced.
        var stale = SandboxFactory.New();
        await rig.Reconciler.ReconcileAsync(stale, CancellationToken.None);

        Assert.That(rig.Calls(stale), Has.None.StartsWith("POST").And.None.StartsWith("PATCH"));
    }

    [Test]
    public async Task The_ready_reason_gauge_follows_the_sandbox_from_creating_to_available()
    {
        var rig = new ReconcileRig();
        var sandbox = SandboxFactory.New();

        await rig.ReconcileAsync(sandbox);
        var whileCreating = rig.Memory.ReadyReasons().ToList();
        await rig.ReadyAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(whileCreating, Is.EqualTo(new[] { ReadyReasons.Creating }));
            Assert.That(rig.Memory.ReadyReasons(), Is.EqualTo(new[] { ReadyReasons.Available }));
        });
    }

    [Test]
    public async Task A_status_write_failing_during_an_outage_leaves_the_backoff_to_the_outage_but_is_an_error_otherwise()
    {
        var rig = new ReconcileRig();
        rig.Cluster.WriteFailure = () => new HttpRequestException("API server unreachable");

        rig.Northflank.Failures["POST service"] = () => new NorthflankApiException(HttpStatusCode.BadGateway, "bad gateway");
        var duringOutage = await rig.ReconcileAsync(SandboxFactory.New("outage"));
        rig.Northflank.Failures.Clear();

        Assert.Multiple(() =>
        {
            Assert.That(duringOutage.Error?.Status, Is.EqualTo(HttpStatusCode.BadGateway), "backed off for the outage, not failed for the write");
            Assert.ThrowsAsync<HttpRequestException>(() => rig.ReconcileAsync(SandboxFactory.New("answered")));
        });
    }

    [Test]
    public void A_cancelled_status_write_during_an_outage_still_cancels_the_reconcile()
    {
        var rig = new ReconcileRig();
        rig.Cluster.WriteFailure = () => new OperationCanceledException();
        rig.Northflank.Failures["POST service"] = () => new NorthflankApiException(HttpStatusCode.BadGateway, "bad gateway");

        Assert.ThrowsAsync<OperationCanceledException>(() => rig.ReconcileAsync(SandboxFactory.New()));
    }
}
