using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;

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

    private static Sandbox Applied(Sandbox sandbox)
    {
        sandbox.Status = new SandboxStatus { AppliedSpecHash = Desired(sandbox).SpecHash, ServiceId = Desired(sandbox).ServiceName };
        return sandbox;
    }

    [Test]
    public void Missing_service_is_created_with_its_volume()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/work" });

        var plan = SandboxPlanner.Plan(sandbox, Desired(sandbox), new Observation(null, null), Cluster);

        Assert.That(plan.Actions, Is.EqualTo(new NorthflankAction[] { new ApplyService(true, "service does not exist"), new CreateVolume() }));
    }

    [Test]
    public void A_service_that_matches_needs_no_call()
    {
        var sandbox = Applied(SandboxFactory.New(configure: s => s.Ports = [new SandboxPort { Name = "web", Port = 80, Public = true }]));
        var desired = Desired(sandbox);

        var plan = SandboxPlanner.Plan(sandbox, desired, new Observation(ServiceFor(desired), null), Cluster);

        Assert.That(plan.Actions, Is.Empty);
        Assert.That(plan.Refusal, Is.Null);
    }

    [Test]
    public void A_changed_spec_is_applied_in_one_call()
    {
        var sandbox = Applied(SandboxFactory.New());
        var observed = ServiceFor(Desired(sandbox));
        sandbox.Spec.Image = "python:3.13-slim";
        sandbox.Spec.Plan = "nf-compute-50";

        var plan = SandboxPlanner.Plan(sandbox, Desired(sandbox), new Observation(observed, null), Cluster);

        Assert.That(plan.Actions, Is.EqualTo(new NorthflankAction[] { new ApplyService(false, "spec changed") }));
    }

    [Test]
    public void Drift_made_on_Northflank_is_repaired()
    {
        var sandbox = Applied(SandboxFactory.New());
        var desired = Desired(sandbox);
        var drifted = ServiceFor(desired) with { Deployment = new ServiceDeployment { Instances = 1, External = new ExternalImage { ImagePath = "nginx" } } };

        var plan = SandboxPlanner.Plan(sandbox, desired, new Observation(drifted, null), Cluster);

        Assert.That(plan.Actions.OfType<ApplyService>().Single().Why, Does.Contain("image"));
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

        var plan = SandboxPlanner.Plan(sandbox, desired, new Observation(asGetAnswersIt, null) { Full = true }, Cluster);

        Assert.That(plan.Actions, Is.Empty);
    }

    [Test]
    public void A_volume_of_the_same_name_not_attached_to_the_service_is_someone_elses()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/work" });
        sandbox.Status = new SandboxStatus { AppliedSpecHash = Desired(sandbox).SpecHash };
        var desired = Desired(sandbox);
        var detached = new VolumeDetails { Id = desired.Volume!.Name, Name = desired.Volume.Name, AttachedObjects = [] };

        var plan = SandboxPlanner.Plan(sandbox, desired, new Observation(ServiceFor(desired), detached), Cluster);

        Assert.That(plan.Actions, Is.Empty);
        Assert.That(plan.Refusal?.Reason, Is.EqualTo(SyncedReasons.NameConflict));
        Assert.That(plan.Refusal?.Message, Does.Contain("volume").And.Contain("not attached"));
    }

    [Test]
    public void A_same_named_service_owned_by_someone_else_is_never_touched()
    {
        var sandbox = SandboxFactory.New();
        var desired = Desired(sandbox);
        var foreign = ServiceFor(desired) with { Description = "A service someone made by hand" };

        var plan = SandboxPlanner.Plan(sandbox, desired, new Observation(foreign, null), Cluster);

        Assert.That(plan.Actions, Is.Empty);
        Assert.That(plan.Refusal?.Reason, Is.EqualTo(SyncedReasons.NameConflict));
        Assert.That(plan.Refusal?.Message, Does.Contain("not created by this Sandbox").And.Contain(SandboxAnnotations.ExternalName));
    }

    [Test]
    public void An_adopted_service_is_taken_over_and_brought_to_spec()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = "legacy" };
        var desired = Desired(sandbox);
        var legacy = ServiceFor(desired) with { Description = null };

        var plan = SandboxPlanner.Plan(sandbox, desired, new Observation(legacy, null), Cluster);

        Assert.That(plan.Refusal, Is.Null);
        Assert.That(plan.Actions, Has.Exactly(1).InstanceOf<ApplyService>());
    }

    [Test]
    public void Operating_mode_maps_to_pause_and_resume()
    {
        var paused = Applied(SandboxFactory.New(configure: s => s.OperatingMode = OperatingModes.Paused));
        var running = Applied(SandboxFactory.New());

        var pausePlan = SandboxPlanner.Plan(paused, Desired(paused), new Observation(ServiceFor(Desired(paused)), null), Cluster);
        var resumePlan = SandboxPlanner.Plan(running, Desired(running), new Observation(ServiceFor(Desired(running), paused: true), null), Cluster);

        Assert.That(pausePlan.Actions, Is.EqualTo(new NorthflankAction[] { new PauseService() }));
        Assert.That(resumePlan.Actions, Is.EqualTo(new NorthflankAction[] { new ResumeService() }));
    }

    [Test]
    public void Expiry_under_Delete_deletes_the_sandbox_and_nothing_else()
    {
        var sandbox = Applied(SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = Now.AddMinutes(-1) }));
        var desired = Desired(sandbox);

        var plan = SandboxPlanner.Plan(sandbox, desired, new Observation(ServiceFor(desired), null), Cluster);

        Assert.That(plan.Actions, Is.EqualTo(new NorthflankAction[] { new DeleteExpiredSandbox() }));
    }
}
