using System.Net;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

public class SandboxStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Earlier = Now.AddHours(-3);

    private static readonly ConditionVerdict Available = ConditionVerdict.True(ReadyReasons.Available, "running");

    private static Sandbox WebSandbox(long generation = 1)
    {
        var sandbox = SandboxFactory.New(configure: s => s.Ports = [new SandboxPort { Name = "web", Port = 8080, Protocol = PortProtocols.Http, Public = true }]);
        sandbox.Metadata.Generation = generation;
        return sandbox;
    }

    private static SandboxStatus Previous(string readyStatus = "True", long generation = 1) => new()
    {
        ObservedGeneration = generation,
        ServiceId = "sbx-agent-1",
        LastDriftCheck = Earlier,
        Conditions = Conditions.With(null, ConditionTypes.Ready, new ConditionVerdict(readyStatus, ReadyReasons.Available, "running"), generation, Earlier),
        Endpoints = [new SandboxEndpoint { Name = "web", Port = 8080, Protocol = PortProtocols.Http, Public = true, Url = "https://web--old.code.run" }],
        Url = "https://web--old.code.run",
    };

    private static Applied Applied(Sandbox sandbox, ServiceDetails? service, bool full, ConditionVerdict? ready = null)
    {
        var desired = DesiredState.Build(sandbox, DesiredStateTests.Inputs(), "prod", Now);
        return new Applied(desired, new Observation(service, null) { Full = full }, [], ready ?? Available);
    }

    [Test]
    public void A_whole_read_of_a_public_service_sets_its_url_mode_and_drift_check_time()
    {
        var sandbox = WebSandbox();
        var service = SandboxPlannerTests.ServiceFor(DesiredState.Build(sandbox, DesiredStateTests.Inputs(), "prod", Now));
        service = service with { Ports = [new ServicePort { Name = "web", InternalPort = 8080, Protocol = "HTTP", Public = true, Dns = "web--new.code.run" }] };

        var status = SandboxStatusBuilder.Build(sandbox, Applied(sandbox, service, full: true), Now)!;

        Assert.Multiple(() =>
        {
            Assert.That(status.Url, Is.EqualTo("https://web--new.code.run"));
            Assert.That(status.Endpoints!.Single().Url, Is.EqualTo("https://web--new.code.run"));
            Assert.That(status.OperatingMode, Is.EqualTo(OperatingModes.Running));
            Assert.That(status.LastDriftCheck, Is.EqualTo(Now));
            Assert.That(Conditions.Find(status.Conditions, ConditionTypes.Synced)!.Message, Is.EqualTo("spec applied to Northflank"));
        });
    }

    [Test]
    public void A_look_through_the_project_list_keeps_the_endpoints_and_drift_check_time_it_cannot_see()
    {
        var sandbox = WebSandbox();
        sandbox.Status = Previous();
        var listed = SandboxPlannerTests.ServiceFor(DesiredState.Build(sandbox, DesiredStateTests.Inputs(), "prod", Now), paused: true) with { Ports = null };

        var status = SandboxStatusBuilder.Build(sandbox, Applied(sandbox, listed, full: false), Now)!;

        Assert.Multiple(() =>
        {
            Assert.That(status.Url, Is.EqualTo("https://web--old.code.run"));
            Assert.That(status.Endpoints!.Single().Url, Is.EqualTo("https://web--old.code.run"));
            Assert.That(status.LastDriftCheck, Is.EqualTo(Earlier), "a list is no drift check");
            Assert.That(status.OperatingMode, Is.EqualTo(OperatingModes.Paused));
        });
    }

    [Test]
    public void A_sandbox_without_ports_or_service_shows_no_endpoints_and_no_mode()
    {
        var sandbox = SandboxFactory.New();

        var status = SandboxStatusBuilder.Build(sandbox, Applied(sandbox, null, full: false, ConditionVerdict.False(ReadyReasons.Creating, "creating")), Now)!;

        Assert.Multiple(() =>
        {
            Assert.That(status.Endpoints, Is.Null);
            Assert.That(status.Url, Is.Null);
            Assert.That(status.OperatingMode, Is.Null);
            Assert.That(status.ServiceId, Is.Null);
        });
    }

    [Test]
    public void A_refused_spec_is_an_answer_to_this_generation_and_says_why_in_both_conditions()
    {
        var sandbox = WebSandbox(generation: 2);
        sandbox.Status = Previous();

        var status = SandboxStatusBuilder.Build(sandbox, new Refused(SyncedReasons.InvalidSpec, "spec.image is required"), Now)!;

        Assert.Multiple(() =>
        {
            Assert.That(status.ObservedGeneration, Is.EqualTo(2));
            Assert.That(Conditions.Find(status.Conditions, ConditionTypes.Ready)!.Reason, Is.EqualTo(SyncedReasons.InvalidSpec));
            Assert.That(Conditions.Find(status.Conditions, ConditionTypes.Synced)!.Message, Is.EqualTo("spec.image is required"));
            Assert.That(status.ServiceId, Is.EqualTo("sbx-agent-1"), "the service it had is still its");
        });
    }

    [Test]
    public void An_outage_keeps_the_status_it_had_and_does_not_claim_the_new_generation_was_seen()
    {
        var sandbox = WebSandbox(generation: 2);
        sandbox.Status = Previous();
        var outage = new Unavailable("Northflank did not answer (502)", new NorthflankApiException(HttpStatusCode.BadGateway, "bad gateway"), Woken: true);

        var status = SandboxStatusBuilder.Build(sandbox, outage, Now)!;

        Assert.Multiple(() =>
        {
            Assert.That(status.ObservedGeneration, Is.EqualTo(1));
            Assert.That(status.ServiceId, Is.EqualTo("sbx-agent-1"));
            Assert.That(status.Url, Is.EqualTo("https://web--old.code.run"));
            Assert.That(Conditions.Find(status.Conditions, ConditionTypes.Synced)!.Reason, Is.EqualTo(SyncedReasons.NorthflankUnavailable));
            Assert.That(Conditions.Find(status.Conditions, ConditionTypes.Ready)!.Reason, Is.EqualTo(ReadyReasons.Available));
        });
    }

    [Test]
    public void An_outage_during_a_delete_says_the_delete_is_waiting_for_Northflank()
    {
        var sandbox = WebSandbox();
        sandbox.Metadata.DeletionTimestamp = Now.UtcDateTime;
        sandbox.Status = Previous();
        var outage = new Unavailable("Northflank did not answer (502)", new NorthflankApiException(HttpStatusCode.BadGateway, "bad gateway"), Woken: false);

        var status = SandboxStatusBuilder.Build(sandbox, outage, Now)!;

        Assert.That(Conditions.Find(status.Conditions, ConditionTypes.Ready)!.Message, Is.EqualTo("deleting: Northflank did not answer (502)"));
    }

    [Test]
    public void A_throttled_look_leaves_a_sandbox_ready_for_this_generation_alone_but_reports_it_on_a_newer_one()
    {
        var settled = WebSandbox();
        settled.Status = Previous();
        var changed = WebSandbox(generation: 2);
        changed.Status = Previous();
        var throttled = new Throttled("waiting for Northflank token abc", Now.AddMinutes(1));

        var changedStatus = SandboxStatusBuilder.Build(changed, throttled, Now);

        Assert.Multiple(() =>
        {
            Assert.That(SandboxStatusBuilder.Build(settled, throttled, Now), Is.Null);
            Assert.That(Conditions.Find(changedStatus?.Conditions, ConditionTypes.Ready)?.Reason, Is.EqualTo(ReadyReasons.Throttled));
            Assert.That(changedStatus?.ServiceId, Is.EqualTo("sbx-agent-1"));
        });
    }

    [Test]
    public void A_status_equal_to_the_current_one_needs_no_write_and_a_different_one_does()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SandboxStatusBuilder.Same(Previous(), Previous()), Is.True);
            Assert.That(SandboxStatusBuilder.Same(Previous(), Previous("False")), Is.False);
            Assert.That(SandboxStatusBuilder.Same(null, Previous()), Is.False);
        });
    }
}
