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
}
