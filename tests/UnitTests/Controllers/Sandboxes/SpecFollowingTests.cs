using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// The service follows the spec, removals included, whatever Northflank's PATCH does with what it is not sent, over the
/// simulator's in-process store (as strict as the reference) and a fake clock.
/// </summary>
public class SpecFollowingTests
{
    private static string Service(Sandbox sandbox) => SandboxNaming.ServiceName(sandbox);

    private static async Task ChangeAsync(ReconcileRig rig, Sandbox sandbox, Action<SandboxSpec> change)
    {
        change(sandbox.Spec);
        sandbox.Metadata.Generation++;
        await rig.ReconcileAsync(sandbox);
    }

    [Test]
    public async Task Removing_every_tag_removes_them_from_the_service()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(SandboxFactory.New(configure: s => s.Tags = ["gvisor"]));
        Assert.That(rig.Northflank.Store.FindService(ReconcileRig.Project, Service(sandbox))!.Tags, Is.EqualTo(new[] { "gvisor" }));

        await ChangeAsync(rig, sandbox, s => s.Tags = null);

        Assert.That(rig.Northflank.Store.FindService(ReconcileRig.Project, Service(sandbox))!.Tags, Is.Empty);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_spec_change_never_starts_a_paused_sandbox_whatever_instances_do_to_a_paused_service(bool instancesResume)
    {
        var rig = new ReconcileRig();
        rig.Northflank.Options.Readings.InstancesResumePausedService = instancesResume;
        var sandbox = await rig.ReadyAsync(SandboxFactory.New(configure: s => s.OperatingMode = OperatingModes.Paused));

        await ChangeAsync(rig, sandbox, s => s.Image = "python:3.13-slim");
        rig.Time.Advance(TimeSpan.FromSeconds(10));
        await rig.ReconcileAsync(sandbox);

        var service = rig.Northflank.Store.FindService(ReconcileRig.Project, Service(sandbox))!;
        Assert.Multiple(() =>
        {
            Assert.That(service.ImagePath, Is.EqualTo("python:3.13-slim"));
            Assert.That(service.Paused, Is.True);
            Assert.That(service.Instances, Is.Zero);
            Assert.That(service.Containers, Is.Empty);
            Assert.That(rig.Northflank.Calls, Has.None.StartsWith("POST resume"));
        });
    }

    [Test]
    public async Task A_paused_sandbox_is_created_without_instances_so_nothing_runs_before_the_pause()
    {
        var rig = new ReconcileRig();
        var sandbox = SandboxFactory.New(configure: s => s.OperatingMode = OperatingModes.Paused);

        await rig.ReconcileAsync(sandbox);

        var service = rig.Northflank.Store.FindService(ReconcileRig.Project, Service(sandbox))!;
        Assert.That(service.Paused, Is.True);
        Assert.That(service.Deployments.Select(d => d.Instances), Has.All.Zero, "no deployment ever ran an instance");
    }

    [Test]
    public async Task A_sandbox_with_a_volume_deploys_once_and_its_first_deployment_already_mounts_the_volume()
    {
        var rig = new ReconcileRig();
        var sandbox = await rig.ReadyAsync(SandboxFactory.New(configure: s => s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/work" }));

        var service = rig.Northflank.Store.FindService(ReconcileRig.Project, Service(sandbox))!;
        Assert.That(service.Deployments.Select(d => (d.Number, d.Volumes.Single())), Is.EqualTo(new[] { (1, SandboxNaming.VolumeName(sandbox)) }));
    }

    [Test]
    public async Task A_create_cut_short_after_the_volume_takes_it_up_again_without_a_second_volume_or_a_redeploy()
    {
        var rig = new ReconcileRig();
        var sandbox = SandboxFactory.New(configure: s => s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/work" });
        rig.Northflank.Failures["POST service"] = () => new SandboxOperator.Northflank.Wire.NorthflankApiException(System.Net.HttpStatusCode.BadGateway, "gone");
        await rig.ReconcileAsync(sandbox);
        rig.Northflank.Failures.Clear();
        rig.Northflank.ClearCalls();
        rig.Time.Advance(TimeSpan.FromMinutes(1));

        await rig.ReadyAsync(sandbox);

        var state = rig.Northflank.Store.Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(state.Volumes.Select(v => (v.Id, v.AttachedServices.Single())), Is.EqualTo(new[] { (SandboxNaming.VolumeName(sandbox), Service(sandbox)) }));
            Assert.That(state.Services.Single().Deployments.Select(d => d.Volumes.Count), Is.EqualTo(new[] { 1 }));
        });
    }

    [TestCase(NorthflankSimulator.PatchReading.Replace, new[] { "PATCH service {svc}" })]
    [TestCase(NorthflankSimulator.PatchReading.Merge, new[] { "PATCH service {svc}", "PATCH service {svc} environment" })]
    public async Task A_removed_variable_leaves_the_service_whether_patch_replaces_or_merges(NorthflankSimulator.PatchReading reading, string[] writes)
    {
        var rig = new ReconcileRig();
        rig.Northflank.Options.Readings.Patch = reading;
        var sandbox = await rig.ReadyAsync(SandboxFactory.New(configure: s => s.Env =
            [new SandboxEnvVar { Name = "KEEP", Value = "1" }, new SandboxEnvVar { Name = "API_KEY", Value = "secret" }]));

        await ChangeAsync(rig, sandbox, s => s.Env = [new SandboxEnvVar { Name = "KEEP", Value = "2" }]);

        Assert.That(rig.Northflank.Store.FindService(ReconcileRig.Project, Service(sandbox))!.EnvironmentNames, Is.EqualTo(new[] { "KEEP" }));
        Assert.That(rig.Calls(sandbox).Where(c => c.StartsWith("PATCH", StringComparison.Ordinal)), Is.EqualTo(writes));
    }
}
