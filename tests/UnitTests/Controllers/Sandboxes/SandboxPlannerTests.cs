using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

public class SandboxPlannerTests
{
    private const string Cluster = "prod";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);

    private static DesiredState Desired(Sandbox sandbox) => DesiredState.Build(sandbox, DesiredStateTests.Inputs(), Cluster, Now);

    internal static ServiceDetails ServiceFor(DesiredState desired, string status = DeploymentStates.Completed, bool paused = false) => new()
    {
        Id = desired.ServiceName,
        Name = desired.ServiceName,
        Tags = desired.Service.Tags,
        Description = desired.Service.Description,
        Billing = desired.Service.Billing,
        ServicePaused = paused,
        Status = new ServiceStatus { Deployment = new DeploymentStatus { Status = status } },
        Deployment = new ServiceDeployment { Instances = paused ? 0 : 1, External = desired.Service.Deployment.External },
        Ports = (desired.Service.Ports ?? []).Select(p => new ServicePort { Name = p.Name, InternalPort = p.InternalPort, Protocol = p.Protocol, Public = p.Public ?? false }).ToList(),
    };

    private static SandboxPlan Plan(Sandbox sandbox, Observation observed, DesiredState? desired = null)
    {
        desired ??= Desired(sandbox);
        var connection = PlannedConnections.Live(desired);
        return SandboxPlanner.Plan(sandbox, connection, observed, deleteSentAt: null, Now);
    }

    private static Observation Ours(ServiceDetails? service, VolumeDetails? volume = null) =>
        new(service, volume) { Owner = service is null ? Ownership.Absent : Ownership.Ours };

    private static Sandbox Applied(Sandbox sandbox)
    {
        sandbox.Status = new SandboxStatus { AppliedSpecHash = Desired(sandbox).SpecHash, ServiceId = Desired(sandbox).ServiceName };
        return sandbox;
    }

    [Test]
    public void A_missing_service_is_created_after_its_volume_so_its_first_deployment_mounts_it()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/work" });

        var plan = Plan(sandbox, Ours(null, null));

        Assert.That(plan.Changes, Is.EqualTo(new SandboxChange[] { new CreateVolume(), new ApplyService(true, "service does not exist") }));
    }

    [Test]
    public void A_service_that_matches_needs_no_call()
    {
        var sandbox = Applied(SandboxFactory.New(configure: s => s.Ports = [new SandboxPort { Name = "web", Port = 80, Public = true }]));
        var desired = Desired(sandbox);

        var plan = Plan(sandbox, Ours(ServiceFor(desired), null), desired);

        Assert.That(plan.Changes, Is.Empty);
        Assert.That(plan.Outcome, Is.Null);
    }

    [Test]
    public void A_changed_spec_is_applied_in_one_call()
    {
        var sandbox = Applied(SandboxFactory.New());
        var observed = ServiceFor(Desired(sandbox));
        sandbox.Spec.Image = "python:3.13-slim";
        sandbox.Spec.Plan = "nf-compute-50";

        var plan = Plan(sandbox, Ours(observed, null));

        Assert.That(plan.Changes, Is.EqualTo(new SandboxChange[] { new ApplyService(false, "spec changed") }));
    }

    [Test]
    public void Drift_made_on_Northflank_is_repaired()
    {
        var sandbox = Applied(SandboxFactory.New());
        var desired = Desired(sandbox);
        var drifted = ServiceFor(desired) with { Deployment = new ServiceDeployment { Instances = 1, External = new ExternalImage { ImagePath = "nginx" } } };

        var plan = Plan(sandbox, Ours(drifted, null), desired);

        Assert.That(plan.Changes.OfType<ApplyService>().Single().Why, Does.Contain("image"));
    }

    [Test]
    public void An_image_read_back_without_its_registry_host_is_no_drift()
    {
        var sandbox = Applied(SandboxFactory.New(configure: s => s.Image = "ghcr.io/acme/agent:1.4"));
        var desired = Desired(sandbox);
        var asGetAnswersIt = ServiceFor(desired) with
        {
            Deployment = new ServiceDeployment { Instances = 1, External = new ExternalImage { ImagePath = "acme/agent:1.4", RegistryProvider = "github" } },
        };

        var plan = Plan(sandbox, Ours(asGetAnswersIt, null) with { Full = true }, desired);

        Assert.That(plan.Changes, Is.Empty);
    }

    [Test]
    public void A_volume_of_the_same_name_not_attached_to_the_service_is_someone_elses()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/work" });
        sandbox.Status = new SandboxStatus { AppliedSpecHash = Desired(sandbox).SpecHash };
        var desired = Desired(sandbox);
        var detached = new VolumeDetails { Id = desired.Volume!.Name, Name = desired.Volume.Name, AttachedObjects = [] };

        var plan = Plan(sandbox, Ours(ServiceFor(desired), detached) with { VolumeForeign = true }, desired);

        Assert.That(plan.Changes, Is.Empty);
        Assert.That((plan.Outcome as Refused)?.Reason, Is.EqualTo(SyncedReasons.NameConflict));
        Assert.That((plan.Outcome as Refused)?.Message, Does.Contain("volume").And.Contain("not attached"));
    }

    [Test]
    public void A_same_named_service_owned_by_someone_else_is_never_touched()
    {
        var sandbox = SandboxFactory.New();
        var desired = Desired(sandbox);
        var foreign = ServiceFor(desired) with { Description = "A service someone made by hand" };

        var plan = Plan(sandbox, Ours(foreign, null) with { Owner = Ownership.Foreign }, desired);

        Assert.That(plan.Changes, Is.Empty);
        Assert.That((plan.Outcome as Refused)?.Reason, Is.EqualTo(SyncedReasons.NameConflict));
        Assert.That((plan.Outcome as Refused)?.Message, Does.Contain("not created by this Sandbox").And.Contain(SandboxAnnotations.ExternalName));
    }

    [Test]
    public void An_adopted_service_is_taken_over_and_brought_to_spec()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = "legacy" };
        var desired = Desired(sandbox);
        var legacy = ServiceFor(desired) with { Description = null };

        var plan = Plan(sandbox, Ours(legacy, null), desired);

        Assert.That(plan.Outcome, Is.Null);
        Assert.That(plan.Changes, Has.Exactly(1).InstanceOf<ApplyService>());
    }

    [Test]
    public void Operating_mode_maps_to_pause_and_resume()
    {
        var paused = Applied(SandboxFactory.New(configure: s => s.OperatingMode = OperatingModes.Paused));
        var running = Applied(SandboxFactory.New());

        var pausePlan = Plan(paused, Ours(ServiceFor(Desired(paused)), null));
        var resumePlan = Plan(running, Ours(ServiceFor(Desired(running), paused: true), null));

        Assert.That(pausePlan.Changes, Is.EqualTo(new SandboxChange[] { new PauseService() }));
        Assert.That(resumePlan.Changes, Is.EqualTo(new SandboxChange[] { new ResumeService() }));
    }

    [Test]
    public void Expiry_under_Delete_deletes_the_sandbox_and_nothing_else()
    {
        var sandbox = Applied(SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = Now.AddMinutes(-1) }));
        var desired = Desired(sandbox);

        var plan = Plan(sandbox, Ours(ServiceFor(desired), null), desired);

        Assert.That(plan.Changes, Is.EqualTo(new SandboxChange[] { new DeleteSandbox() }));
    }

    [TestCase(null, typeof(DeleteService), TestName = "Deleting: a service of its own gets its DELETE")]
    [TestCase(30, null, TestName = "Deleting: a DELETE sent 30 s ago is awaited, not sent again")]
    [TestCase(61, typeof(DeleteService), TestName = "Deleting: a DELETE unconfirmed after a minute is sent again")]
    public void A_deleting_Sandbox_deletes_only_what_it_owns(int? sentSecondsAgo, Type? change)
    {
        var sandbox = Applied(SandboxFactory.New());
        var desired = Desired(sandbox);
        sandbox.Metadata.DeletionTimestamp = Now.UtcDateTime;
        var connection = PlannedConnections.Deleting(desired.Target);
        DateTimeOffset? sentAt = sentSecondsAgo is { } ago ? Now.AddSeconds(-ago) : null;

        var plan = SandboxPlanner.Plan(sandbox, connection, Ours(ServiceFor(desired)), sentAt, Now);

        Assert.That(plan.Changes.Select(c => c.GetType()), Is.EqualTo(change is null ? Array.Empty<Type>() : new[] { change }));
        Assert.That(plan.Outcome, change is null ? Is.InstanceOf<Deleting>() : Is.Null);
    }

    [Test]
    public void Deleting_a_Sandbox_whose_name_holds_someone_elses_service_lets_it_go_and_says_so()
    {
        var sandbox = Applied(SandboxFactory.New());
        var desired = Desired(sandbox);
        sandbox.Metadata.DeletionTimestamp = Now.UtcDateTime;
        var connection = PlannedConnections.Deleting(desired.Target);

        var plan = SandboxPlanner.Plan(sandbox, connection, Ours(ServiceFor(desired)) with { Owner = Ownership.Foreign }, null, Now);

        Assert.That(plan.Changes, Is.Empty);
        Assert.That(plan.Outcome, Is.InstanceOf<Released>());
        Assert.That(plan.Outcome!.Events.Single().Reason, Is.EqualTo("DeleteRefused"));
    }

    [Test]
    public void A_service_gone_after_its_DELETE_releases_the_Sandbox_with_a_Deleted_event()
    {
        var sandbox = Applied(SandboxFactory.New());
        sandbox.Metadata.DeletionTimestamp = Now.UtcDateTime;
        var connection = PlannedConnections.Deleting(Desired(sandbox).Target);

        var sent = SandboxPlanner.Plan(sandbox, connection, Observation.Nothing, Now.AddSeconds(-3), Now);
        var never = SandboxPlanner.Plan(sandbox, connection, Observation.Nothing, null, Now);

        Assert.That(sent.Outcome!.Events.Select(e => e.Reason), Is.EqualTo(new[] { "Deleted" }));
        Assert.That(never.Outcome, Is.InstanceOf<Released>().With.Property(nameof(SandboxOutcome.Events)).Empty);
    }
}
