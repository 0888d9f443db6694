using System.Reflection;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// The external client keeps nothing between calls: what the reconcile remembers goes in with the look, what a call did
/// comes out in its result, and the executor alone writes it into the <see cref="SandboxRecord"/>.
/// </summary>
public class StatelessExternalTests
{
    [Test]
    public async Task The_external_reads_a_failure_again_unless_the_look_brings_its_explanation()
    {
        var rig = new ReconcileRig();
        rig.Northflank.Options.Deployment.UnpullableImageSubstrings = ["unpullable"];
        var sandbox = SandboxFactory.New(configure: s => s.Image = "ghcr.io/acme/unpullable:1");
        await rig.ReconcileAsync(sandbox);
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        rig.Northflank.ClearCalls();
        var target = new SandboxTarget(ReconcileRig.Project, SandboxNaming.ServiceName(sandbox), null);
        var external = new NorthflankSandboxExternal(
            rig.Northflank, new NorthflankToken("t"), sandbox, target, new ServiceListCache(rig.Time), rig.Options.ClusterId, rig.Time);
        var bound = Fields(external);
        var look = new Look(Full: true, rig.Time.GetUtcNow());

        var first = await external.ObserveAsync(look, CancellationToken.None);
        var second = await external.ObserveAsync(look, CancellationToken.None);
        var known = await external.ObserveAsync(look with { Explained = first.Explained }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.Explained?.Containers, Is.Not.Null.And.EqualTo(first.Observed.FailureDetail), "the failure is explained in the result");
            Assert.That(second.Explained, Is.EqualTo(first.Explained), "the same failure, read again: nothing was kept from the first call");
            Assert.That(known.Observed.FailureDetail, Is.EqualTo(first.Explained?.Containers));
            Assert.That(rig.Calls(sandbox).Count(c => c.StartsWith("GET containers", StringComparison.Ordinal)), Is.EqualTo(2), "read for each look without it, not for the one with it");
            Assert.That(Fields(external), Is.EqualTo(bound), "what it was bound to, unchanged");
        });
    }

    [Test]
    public void The_external_holds_only_what_it_was_bound_to()
    {
        var parameters = typeof(NorthflankSandboxExternal).GetConstructors().Single().GetParameters().Select(p => $"<{p.Name}>P");
        var fields = typeof(NorthflankSandboxExternal).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

        Assert.Multiple(() =>
        {
            Assert.That(fields.Select(f => f.Name), Is.SubsetOf(parameters), "no field but its constructor's arguments");
            Assert.That(fields.Select(f => f.FieldType), Has.None.EqualTo(typeof(SandboxRecord)), "the reconcile's memory is not its to write");
        });
    }

    [Test]
    public void The_record_keeps_what_each_call_reports_and_forgets_nothing_a_later_call_does_not_report()
    {
        var at = new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);
        var record = new SandboxRecord("k") { Created = new RecordedService("p", "earlier", null) };
        var created = new RecordedService("p", "sbx-a", null);

        record.Note(ExternalResult.Done(Observation.Nothing) with { CreateSent = created, WroteAt = at, Marked = new RecordedService("p", "other", null) });
        record.Note(ExternalResult.Done(Observation.Nothing) with { Marked = new RecordedService("p", "adopted", null) });
        record.Note(ExternalResult.Done(Observation.Nothing) with { DeleteSentAt = at.AddMinutes(1), Explained = new FailureExplanation(at, "exit 1") });
        record.Note(ExternalResult.Done(Observation.Nothing));

        Assert.Multiple(() =>
        {
            Assert.That(record.Created, Is.EqualTo(created), "a create sent replaces what was recorded; a marker written fills only a gap");
            Assert.That(record.LastWrite, Is.EqualTo(at));
            Assert.That(record.DeleteSentAt, Is.EqualTo(at.AddMinutes(1)));
            Assert.That(record.Explained, Is.EqualTo(new FailureExplanation(at, "exit 1")));
        });
    }

    [Test]
    public async Task What_the_scripted_external_reports_it_did_is_what_the_reconcile_remembers()
    {
        var at = new DateTimeOffset(2026, 11, 23, 11, 0, 5, TimeSpan.Zero);
        var sent = new RecordedService(ReconcileRig.Project, "sbx-scripted", null);
        var external = new ScriptedExternal { Create = _ => ExternalResult.Done(Observation.Nothing) with { CreateSent = sent, WroteAt = at } };
        var rig = new ReconcileRig(externals: new One(external));
        var sandbox = SandboxFactory.New();

        await rig.ReconcileAsync(sandbox);

        var record = rig.Memory.For(sandbox);
        Assert.Multiple(() =>
        {
            Assert.That(external.Calls, Is.EqualTo(new[] { "Observe", "Create" }));
            Assert.That((record.Created, record.LastWrite), Is.EqualTo((sent, (DateTimeOffset?)at)));
        });
    }

    private static object?[] Fields(NorthflankSandboxExternal external) =>
        [.. typeof(NorthflankSandboxExternal).GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Select(f => f.GetValue(external))];

    private sealed class One(ISandboxExternal external) : ISandboxExternalFactory
    {
        public ISandboxExternal For(Sandbox sandbox, SandboxTarget target, TokenUse use, NorthflankToken token) => external;
    }
}
