using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>A Sandbox that names a SandboxTemplate, through the whole reconciler: what reaches Northflank and what status says.</summary>
public class TemplateResolutionTests
{
    private static SandboxTemplate Template(string ns = "team-a", string image = "ghcr.io/acme/agent:1.4", string version = "5") => new()
    {
        Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = ns, ResourceVersion = version, Generation = 1 },
        Spec = new SandboxTemplateSpec { Image = image, Plan = "nf-compute-50" },
    };

    private static Sandbox FromTemplate() => SandboxFactory.New(configure: s =>
    {
        s.Image = null;
        s.TemplateRef = new TemplateReference { Name = "agent" };
    });

    private static string? Synced(ReconcileRig rig, Sandbox sandbox, out string? message)
    {
        var condition = Conditions.Find(rig.Cluster.Current(sandbox).Status?.Conditions, ConditionTypes.Synced);
        message = condition?.Message;
        return condition?.Reason;
    }

    [Test]
    public async Task The_template_s_image_and_plan_are_what_Northflank_gets()
    {
        var rig = new ReconcileRig();
        rig.Cluster.Templates["team-a/agent"] = Template();
        var sandbox = await rig.ReadyAsync(FromTemplate());

        var service = await rig.Northflank.GetServiceAsync(ReconcileRig.Project, SandboxNaming.ServiceName(sandbox), default, CancellationToken.None);

        Assert.That(service!.Deployment?.External?.ImagePath, Does.Contain("acme/agent:1.4"));
        Assert.That(service.Billing?.DeploymentPlan, Is.EqualTo("nf-compute-50"));
    }

    [Test]
    public async Task A_missing_template_is_reference_not_found_naming_it()
    {
        var rig = new ReconcileRig();
        var sandbox = FromTemplate();

        await rig.ReconcileAsync(sandbox);

        Assert.That(Synced(rig, sandbox, out var message), Is.EqualTo(SyncedReasons.ReferenceNotFound));
        Assert.That(message, Does.Contain("SandboxTemplate agent"));
        Assert.That(rig.Northflank.Calls, Is.Empty);
    }

    [Test]
    public async Task A_template_of_the_same_name_in_another_namespace_is_never_used()
    {
        var rig = new ReconcileRig();
        rig.Cluster.Templates["team-b/agent"] = Template("team-b");
        var sandbox = FromTemplate();

        await rig.ReconcileAsync(sandbox);

        Assert.That(Synced(rig, sandbox, out _), Is.EqualTo(SyncedReasons.ReferenceNotFound));
        Assert.That(rig.Northflank.Calls, Is.Empty);
    }

    [Test]
    public async Task Neither_image_nor_template_image_is_invalid_spec_naming_the_field()
    {
        var rig = new ReconcileRig();
        var template = Template();
        template.Spec.Image = null;
        rig.Cluster.Templates["team-a/agent"] = template;
        var sandbox = FromTemplate();

        await rig.ReconcileAsync(sandbox);

        Assert.That(Synced(rig, sandbox, out var message), Is.EqualTo(SyncedReasons.InvalidSpec));
        Assert.That(message, Does.Contain("spec.image"));
        Assert.That(SpecValidator.Validate(SandboxFactory.New(configure: s => s.Image = null)), Has.Some.Contains("spec.image is required"));
    }

    [Test]
    public async Task A_changed_template_re_applies_the_Sandbox()
    {
        var rig = new ReconcileRig();
        rig.Cluster.Templates["team-a/agent"] = Template();
        var sandbox = await rig.ReadyAsync(FromTemplate());
        var hash = rig.Cluster.Current(sandbox).Status!.AppliedSpecHash;

        rig.Cluster.Templates["team-a/agent"] = Template(image: "ghcr.io/acme/agent:1.5", version: "6");
        await rig.ReconcileAsync(sandbox);

        Assert.That(rig.Cluster.Current(sandbox).Status!.AppliedSpecHash, Is.Not.EqualTo(hash));
        Assert.That(rig.Calls(sandbox), Has.Some.StartsWith("PATCH"));
    }

    [Test]
    public async Task A_template_whose_status_alone_changed_does_not_re_apply_the_Sandbox()
    {
        var rig = new ReconcileRig();
        rig.Cluster.Templates["team-a/agent"] = Template();
        var sandbox = await rig.ReadyAsync(FromTemplate());
        var hash = rig.Cluster.Current(sandbox).Status!.AppliedSpecHash;

        // A status write (another Sandbox started using it) gives the template a new resourceVersion, same spec.
        rig.Cluster.Templates["team-a/agent"] = Template(version: "6");
        await rig.ReconcileAsync(sandbox);

        Assert.That(rig.Cluster.Current(sandbox).Status!.AppliedSpecHash, Is.EqualTo(hash));
        Assert.That(rig.Calls(sandbox), Has.None.StartsWith("PATCH"));
    }

    [Test]
    public async Task A_lifecycle_from_the_template_ends_the_Sandbox_as_its_own_would()
    {
        var rig = new ReconcileRig();
        var template = Template();
        template.Spec.Lifecycle = new SandboxLifecycle { ShutdownAfter = "30m", ShutdownPolicy = ShutdownPolicies.Delete };
        rig.Cluster.Templates["team-a/agent"] = template;
        var sandbox = FromTemplate(); // created an hour before the rig's clock: expired

        await rig.ReconcileAsync(sandbox);

        Assert.That(rig.Cluster.DeletedSandboxes, Has.Count.EqualTo(1));
    }
}
