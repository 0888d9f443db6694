using System.Net;
using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// The reconcile over a scripted <see cref="ISandboxExternal"/>, injected where the host injects the real one
/// (<see cref="ISandboxExternalFactory"/>): what the reconcile makes of each kind of result, with no Northflank (not
/// even the simulator) below. The same outcomes as <see cref="ReconcileTableTests"/> reaches through HTTP errors.
/// </summary>
public class ExternalSeamTableTests
{
    public sealed record Case(string Name, Func<ReconcileRig, Sandbox> Given, Func<ReconcileRig, ScriptedExternal> Script, ReconcileTableTests.Want Want)
    {
        public override string ToString() => Regex.Replace(Name, "[^A-Za-z0-9]+", "_").Trim('_');
    }

    private static Sandbox New(Action<SandboxSpec>? configure = null) => SandboxFactory.New(configure: configure);

    private static IEnumerable<Case> Cases()
    {
        yield return new("new: looked at, then applied; Northflank cannot verify the image", _ => New(), _ => new ScriptedExternal
        {
            Create = desired => ExternalResult.Failed(new NorthflankApiException(HttpStatusCode.BadRequest, ExternalResult.UnverifiedImageMessage), Observation.Nothing, desired),
        },
            new(["Observe", "Create"], SyncedReasons.ImageNotVerified, SyncedReasons.ImageNotVerified, [SyncedReasons.ImageNotVerified]));
        yield return new("new: Northflank does not answer the apply; backed off, Ready not yet written", _ => New(), _ => new ScriptedExternal
        {
            Create = _ => ExternalResult.Failed(new NorthflankApiException(HttpStatusCode.BadGateway, "bad gateway"), Observation.Nothing),
        },
            new(["Observe", "Create"], null, SyncedReasons.NorthflankUnavailable, []) { Next = ReconcileTableTests.Next.BackOff });
        yield return new("new: the token's budget puts the apply off; Throttled until served", _ => New(), rig => new ScriptedExternal
        {
            Create = _ => ExternalResult.Failed(
                new NorthflankApiException(HttpStatusCode.TooManyRequests, "budget spent", NorthflankApiException.DeferredErrorId) { ServedAt = rig.Time.GetUtcNow().AddMinutes(3) },
                Observation.Nothing),
        },
            new(["Observe", "Create"], ReadyReasons.Throttled, null, []));
        yield return new("new: the look itself is refused (401); nothing applied", _ => New(), _ => new ScriptedExternal
        {
            Observe = _ => ExternalResult.Failed(new NorthflankApiException(HttpStatusCode.Unauthorized, "answered 401"), Observation.Nothing),
        },
            new(["Observe"], SyncedReasons.Unauthorized, SyncedReasons.Unauthorized, [SyncedReasons.Unauthorized]));
    }

    [TestCaseSource(nameof(Cases))]
    public async Task One_reconcile_over_the_scripted_external(Case given)
    {
        var externals = new Factory(given.Script);
        var rig = new ReconcileRig(externals: externals);
        externals.Rig = rig;
        var sandbox = given.Given(rig);

        var result = await rig.ReconcileAsync(sandbox);

        var status = rig.Cluster.Current(sandbox).Status;
        var want = given.Want;
        Assert.Multiple(() =>
        {
            Assert.That(externals.Made?.Calls, Is.EqualTo(want.Calls), "external calls");
            Assert.That(rig.Calls(sandbox), Is.Empty, "nothing reached Northflank below the seam");
            Assert.That(Conditions.Find(status?.Conditions, ConditionTypes.Ready)?.Reason, Is.EqualTo(want.Ready), "Ready reason");
            Assert.That(Conditions.Find(status?.Conditions, ConditionTypes.Synced)?.Reason, Is.EqualTo(want.Synced), "Synced reason");
            Assert.That(rig.Cluster.Events.Select(e => e.Reason), Is.EqualTo(want.Events), "events");
            Assert.That(ReconcileTableTests.NextOf(result), Is.EqualTo(want.Next), "what the runtime does next");
        });
    }

    /// <summary>Binds the one scripted external of the case (made once, against the rig, which exists only after the factory).</summary>
    private sealed class Factory(Func<ReconcileRig, ScriptedExternal> script) : ISandboxExternalFactory
    {
        public ReconcileRig? Rig { get; set; }

        public ScriptedExternal? Made { get; private set; }

        public ISandboxExternal For(Sandbox sandbox, SandboxTarget target, TokenUse use, NorthflankToken token) =>
            Made ??= script(Rig ?? throw new InvalidOperationException("the rig is given to the factory before a reconcile"));
    }
}

/// <summary>An external client that answers as its script says, and notes each verb it was asked.</summary>
public sealed class ScriptedExternal : ISandboxExternal
{
    public Func<Look, ExternalResult> Observe { get; init; } = _ => ExternalResult.Done(Observation.Nothing);

    public Func<DesiredState, ExternalResult> Create { get; init; } = _ => ExternalResult.Done(Observation.Nothing);

    public Func<DesiredState, ExternalResult> Update { get; init; } = _ => ExternalResult.Done(Observation.Nothing);

    public List<string> Calls { get; } = [];

    public Task<ExternalResult> ObserveAsync(Look look, CancellationToken ct) => Answer("Observe", () => Observe(look));

    public Task<ExternalResult> CreateAsync(DesiredState desired, Observation observed, CancellationToken ct) => Answer("Create", () => Create(desired));

    public Task<ExternalResult> UpdateAsync(DesiredState desired, Observation observed, CancellationToken ct) => Answer("Update", () => Update(desired));

    public Task<ExternalResult> AddVolumeAsync(DesiredState desired, Observation observed, CancellationToken ct) => Answer("Add volume", () => ExternalResult.Done(observed));

    public Task<ExternalResult> PauseAsync(Observation observed, CancellationToken ct) => Answer("Pause", () => ExternalResult.Done(observed));

    public Task<ExternalResult> ResumeAsync(DesiredState desired, Observation observed, CancellationToken ct) => Answer("Resume", () => ExternalResult.Done(observed));

    public Task<ExternalResult> DeleteAsync(Observation observed, CancellationToken ct) => Answer("Delete", () => ExternalResult.Done(observed));

    public Task<ExternalResult> ReleaseAsync(Observation observed, CancellationToken ct) => Answer("Release", () => ExternalResult.Done(observed));

    public bool DeleteConfirmed(DateTimeOffset sentAt) => false;

    private Task<ExternalResult> Answer(string verb, Func<ExternalResult> result)
    {
        Calls.Add(verb);
        return Task.FromResult(result());
    }
}
