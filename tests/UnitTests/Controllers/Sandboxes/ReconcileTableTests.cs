using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NorthflankSimulator.Api;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// One reconcile of a Sandbox, case by case, as crossplane-runtime's reconciler tests do it: given what the cluster and
/// Northflank hold, the calls sent to Northflank, the conditions written, the events recorded and what the runtime is
/// told to do next. The whole reconciler runs over the simulator's in-process store (as strict as Northflank's
/// reference) with a fake clock: no HTTP, no control plane.
/// </summary>
public class ReconcileTableTests
{
    /// <summary>What one reconcile should have done. <see cref="Calls"/> name the service and volume <c>{svc}</c> and <c>{vol}</c>.</summary>
    public sealed record Want(string[] Calls, string? Ready, string? Synced, string[] Events)
    {
        public Next Next { get; init; } = Next.Requeue;
    }

    public enum Next
    {
        Requeue,
        Idle,
        Released,
        BackOff,
    }

    public sealed record Case(string Name, Func<ReconcileRig, Task<Sandbox>> Given, Want Want)
    {
        /// <summary>The test's name: words only, as test runners' filters (and Stryker's) cannot quote punctuation.</summary>
        public override string ToString() => Regex.Replace(Name, "[^A-Za-z0-9]+", "_").Trim('_');
    }

    private static readonly Func<NorthflankApiException> ServerError = () => new(HttpStatusCode.BadGateway, "bad gateway");

    private const string PrivateImage = "registry.private.example/acme/agent:1.0";

    private static Sandbox New(Action<SandboxSpec>? configure = null) => SandboxFactory.New(configure: configure);

    private static Sandbox WithVolume() => New(s => s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/work" });

    private static Sandbox Deleting(Sandbox sandbox)
    {
        sandbox.Metadata.DeletionTimestamp = DateTime.UtcNow;
        sandbox.Metadata.Finalizers = [SandboxFinalizer];
        return sandbox;
    }

    private const string SandboxFinalizer = "sandbox.northflank.com/cleanup";

    /// <summary>
    /// Another cluster's operator sharing the project made a service under the Sandbox's name (the name comes from the
    /// uid, so only a copy of the Sandbox can): it carries that cluster's marker.
    /// </summary>
    private static async Task<Sandbox> TakenByAnotherAsync(ReconcileRig rig, Sandbox sandbox)
    {
        await new ReconcileRig("staging", rig.Northflank, rig.Time).ReadyAsync(SandboxFactory.New());
        rig.Time.Advance(rig.Options.SettledPollInterval);
        rig.Northflank.ClearCalls();
        return sandbox;
    }

    private static void DriftImage(ReconcileRig rig, Sandbox sandbox) =>
        rig.Northflank.Store.PatchService(ReconcileRig.Project, SandboxNaming.ServiceName(sandbox), ServiceParsers.Parse(
            new JsonObject { ["deployment"] = new JsonObject { ["instances"] = 1, ["external"] = new JsonObject { ["imagePath"] = "nginx:latest" } } }, ServiceBody.Patch));

    /// <summary>A volume under the Sandbox's volume name attached to another service, made outside the operator.</summary>
    private static void ForeignVolume(ReconcileRig rig, Sandbox sandbox)
    {
        var store = rig.Northflank.Store;
        store.CreateService(ReconcileRig.Project, ServiceParsers.Parse(JsonNode.Parse("""
            {"name": "someone-else", "billing": {"deploymentPlan": "nf-compute-20"}, "deployment": {"instances": 1, "external": {"imagePath": "nginx:1.27"}}}
            """)!.AsObject(), ServiceBody.Create), upsert: false);
        store.CreateVolume(ReconcileRig.Project, RequestParsers.Volume(new JsonObject
        {
            ["name"] = SandboxNaming.VolumeName(sandbox),
            ["mounts"] = new JsonArray(new JsonObject { ["containerMountPath"] = "/work" }),
            ["spec"] = new JsonObject { ["accessMode"] = "ReadWriteOnce", ["storageSize"] = 2048 },
            ["attachedObjects"] = new JsonArray(new JsonObject { ["id"] = "someone-else", ["type"] = "service" }),
        }));
    }

    private static void VolumeOf(ReconcileRig rig, Sandbox sandbox, bool attached) =>
        rig.Northflank.CreateVolumeAsync(ReconcileRig.Project, DesiredState.Build(sandbox, DesiredStateTests.Inputs(), rig.Options.ClusterId, rig.Time.GetUtcNow()).Volume! with
        {
            AttachedObjects = attached ? [new AttachedObject { Id = SandboxNaming.ServiceName(sandbox), Type = "service" }] : null,
        }, CancellationToken.None).GetAwaiter().GetResult();

    private static IEnumerable<Case> Cases()
    {
        // Live Sandboxes.
        yield return new("new: the service is created, Ready waits for its deployment", rig => Task.FromResult(New()),
            new(["POST service"], ReadyReasons.Creating, SyncedReasons.Synced, ["Created"]));
        yield return new("new with a volume: the volume, then the service mounting it from its first deployment", rig => Task.FromResult(WithVolume()),
            new(["POST volume", "POST service"], ReadyReasons.Creating, SyncedReasons.Synced, ["VolumeCreated", "Created"]));
        yield return new("ReadWriteMany volume without nf-multi-rw: InvalidSpec before anything is created", rig => Task.FromResult(New(s => s.Volume = new SandboxVolume
        {
            SizeMB = 2048,
            MountPath = "/work",
            AccessMode = VolumeAccessModes.ReadWriteMany,
        })),
            new([], SyncedReasons.InvalidSpec, SyncedReasons.InvalidSpec, [SyncedReasons.InvalidSpec]));
        yield return new("private image without credentials: Northflank's 400 is ImageNotVerified", rig => Task.FromResult(New(s => s.Image = PrivateImage)),
            new(["POST service"], SyncedReasons.ImageNotVerified, SyncedReasons.ImageNotVerified, [SyncedReasons.ImageNotVerified]));
        yield return new("image credentials the config does not allow: refused before any call", rig => Task.FromResult(New(s =>
        {
            s.Image = PrivateImage;
            s.ImageCredentials = "simulator-registry";
        })),
            new([], SyncedReasons.ImageCredentialsNotAllowed, SyncedReasons.ImageCredentialsNotAllowed, [SyncedReasons.ImageCredentialsNotAllowed]));
        yield return new("spec changed to a private image without credentials: ImageNotVerified, the service left running", async rig =>
            {
                var sandbox = await rig.ReadyAsync(New());
                sandbox.Spec.Image = PrivateImage;
                sandbox.Metadata.Generation = 2;
                return sandbox;
            },
            new(["GET service {svc}", "PATCH service {svc}"], SyncedReasons.ImageNotVerified, SyncedReasons.ImageNotVerified, [SyncedReasons.ImageNotVerified]));
        yield return new("ready and unchanged, an hour later: one shared list, no write", async rig =>
            {
                var sandbox = await rig.ReadyAsync(New());
                rig.Time.Advance(rig.Options.SettledPollInterval);
                return sandbox;
            },
            new(["GET services"], ReadyReasons.Available, SyncedReasons.Synced, []));
        yield return new("ready and unchanged, looked at again at once: the shared list is still fresh, no call", rig => rig.ReadyAsync(New()),
            new([], ReadyReasons.Available, SyncedReasons.Synced, []));
        yield return new("spec changed: one PATCH of the whole service", async rig =>
            {
                var sandbox = await rig.ReadyAsync(New());
                sandbox.Spec.Image = "python:3.13-slim";
                sandbox.Metadata.Generation = 2;
                return sandbox;
            },
            new(["GET service {svc}", "PATCH service {svc}"], ReadyReasons.Deploying, SyncedReasons.Synced, ["Updated"]));
        yield return new("drifted on Northflank: found by the drift check's GET and repaired", async rig =>
            {
                var sandbox = await rig.ReadyAsync(New());
                DriftImage(rig, sandbox);
                rig.Time.Advance(rig.Options.DriftCheckInterval);
                return sandbox;
            },
            new(["GET service {svc}", "PATCH service {svc}"], ReadyReasons.Deploying, SyncedReasons.Synced, ["Updated"]));
        yield return new("foreign name: a service under the Sandbox's name made by another cluster is never touched", rig => TakenByAnotherAsync(rig, New()),
            new(["POST service", "GET service {svc}"], SyncedReasons.NameConflict, SyncedReasons.NameConflict, [SyncedReasons.NameConflict]));
        yield return new("adopting another Sandbox's service: refused, never touched", async rig =>
            {
                var owner = await rig.ReadyAsync(SandboxFactory.New("owner"));
                rig.Access.AllowAdoption = true;
                var thief = New();
                thief.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = SandboxNaming.ServiceName(owner) };
                rig.Time.Advance(rig.Options.SettledPollInterval);
                return thief;
            },
            new(["GET services"], SyncedReasons.AdoptionRefused, SyncedReasons.AdoptionRefused, [SyncedReasons.AdoptionRefused]));
        yield return new("volume 409 from a create cut short before the service: the unattached volume is taken and mounted", rig =>
            {
                var sandbox = WithVolume();
                rig.Northflank.Before["POST volume"] = () => VolumeOf(rig, sandbox, attached: false);
                return Task.FromResult(sandbox);
            },
            new(["POST volume", "POST volume", "GET volume {vol}", "POST service"], ReadyReasons.Creating, SyncedReasons.Synced, ["VolumeCreated", "Created"]));
        yield return new("volume 409 on someone else's volume: refused, nothing taken, no service", rig =>
            {
                var sandbox = WithVolume();
                rig.Northflank.Before["POST volume"] = () => ForeignVolume(rig, sandbox);
                return Task.FromResult(sandbox);
            },
            new(["POST volume", "GET volume {vol}"], SyncedReasons.NameConflict, SyncedReasons.NameConflict, [SyncedReasons.NameConflict]));
        yield return new("FAILED deployment: its containers are read once and told", async rig =>
            {
                var sandbox = New(s => s.Image = "ghcr.io/acme/unpullable:1");
                rig.Northflank.Options.Deployment.UnpullableImageSubstrings = ["unpullable"];
                await rig.ReconcileAsync(sandbox);
                rig.Time.Advance(TimeSpan.FromSeconds(30));
                rig.Northflank.ClearCalls();
                rig.Cluster.Events.Clear();
                return sandbox;
            },
            new(["GET services", "GET containers {svc}"], ReadyReasons.DeploymentFailed, SyncedReasons.Synced, [ReadyReasons.DeploymentFailed]));
        yield return new("paused by spec: one pause call", async rig =>
            {
                var sandbox = await rig.ReadyAsync(New());
                sandbox.Spec.OperatingMode = OperatingModes.Paused;
                sandbox.Metadata.Generation = 2;
                return sandbox;
            },
            new(["POST pause {svc}"], ReadyReasons.Pausing, SyncedReasons.Synced, ["Paused"]));
        yield return new("expired under shutdownPolicy Delete: the Sandbox object is deleted, Northflank left to its finalizer", async rig =>
            {
                var sandbox = await rig.ReadyAsync(New(s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = rig.Time.GetUtcNow().AddMinutes(1), ShutdownPolicy = ShutdownPolicies.Delete }));
                rig.Time.Advance(TimeSpan.FromMinutes(2));
                return sandbox;
            },
            new([], ReadyReasons.Available, SyncedReasons.Synced, ["Expired"]) { Next = Next.Idle });

        // Deleting Sandboxes.
        yield return new("deleting with its service present: the DELETE on the list the Sandbox last saw, then Deleting until a list confirms", async rig => Deleting(await rig.ReadyAsync(New())),
            new(["DELETE service {svc}"], ReadyReasons.Deleting, SyncedReasons.Synced, []));
        yield return new("deleting, the list after the DELETE no longer shows the service: released", async rig =>
            {
                var sandbox = Deleting(await rig.ReadyAsync(WithVolume()));
                await rig.ReconcileAsync(sandbox);
                rig.Time.Advance(rig.Options.ProgressPollInterval);
                rig.Northflank.ClearCalls();
                return sandbox;
            },
            new(["GET services", "GET volume {vol}"], ReadyReasons.Deleting, SyncedReasons.Synced, ["Deleted"]) { Next = Next.Released });
        yield return new("deleting, a volume under its name outlives the service: released, saying the volume was left", async rig =>
            {
                var sandbox = Deleting(await rig.ReadyAsync(WithVolume()));
                await rig.ReconcileAsync(sandbox);
                VolumeOf(rig, sandbox, attached: false); // Made by someone else once the Sandbox's went with its service.
                rig.Time.Advance(rig.Options.ProgressPollInterval);
                rig.Northflank.ClearCalls();
                return sandbox;
            },
            new(["GET services", "GET volume {vol}"], ReadyReasons.Deleting, SyncedReasons.Synced, ["Deleted", "VolumeLeft"]) { Next = Next.Released });
        yield return new("deleting with its service deleted by hand after the last list: the DELETE finds it gone, a list confirms", async rig =>
            {
                var sandbox = await rig.ReadyAsync(New());
                rig.Northflank.Store.DeleteService(ReconcileRig.Project, SandboxNaming.ServiceName(sandbox), deleteChildObjects: true);
                rig.Time.Advance(TimeSpan.FromSeconds(2));
                return Deleting(sandbox);
            },
            new(["DELETE service {svc}"], ReadyReasons.Deleting, SyncedReasons.Synced, []));
        yield return new("deleting with no service in a recent list: released without a DELETE", async rig =>
            {
                var sandbox = await rig.ReadyAsync(New());
                rig.Northflank.Store.DeleteService(ReconcileRig.Project, SandboxNaming.ServiceName(sandbox), deleteChildObjects: true);
                rig.Time.Advance(rig.Options.SettledPollInterval);
                return Deleting(sandbox);
            },
            new(["GET services"], ReadyReasons.Available, SyncedReasons.Synced, []) { Next = Next.Released });
        yield return new("deleting, an old list shows nothing: looked for again in a recent one before letting go", async rig =>
            {
                var sandbox = New();
                await rig.ReconcileAsync(SandboxFactory.New("first-in-the-project")); // A list from before the Sandbox's service.
                rig.Time.Advance(TimeSpan.FromMinutes(5));
                await rig.Northflank.CreateDeploymentServiceAsync(ReconcileRig.Project, DesiredState.Build(sandbox, DesiredStateTests.Inputs(), rig.Options.ClusterId, rig.Time.GetUtcNow()).CreateRequest(rig.Time.GetUtcNow()), CancellationToken.None);
                rig.Northflank.ClearCalls();
                rig.Cluster.Events.Clear();
                return Deleting(sandbox);
            },
            new(["GET services", "DELETE service {svc}"], ReadyReasons.Deleting, null, []));
        yield return new("deleting while the name holds another Sandbox's service: released, the service left alone", rig => TakenByAnotherAsync(rig, Deleting(New())),
            new(["GET services"], null, null, ["DeleteRefused"]) { Next = Next.Released });

        // Each class of Northflank error, on a create and on a delete.
        // A refusal is the Ready reason too; an outage leaves Ready as it was (here: not yet written).
        foreach (var (status, ready, synced, next) in new (HttpStatusCode, string?, string, Next)[]
        {
            (HttpStatusCode.BadGateway, null, SyncedReasons.NorthflankUnavailable, Next.BackOff),
            (HttpStatusCode.BadRequest, SyncedReasons.NorthflankRejected, SyncedReasons.NorthflankRejected, Next.Requeue),
            (HttpStatusCode.Unauthorized, SyncedReasons.Unauthorized, SyncedReasons.Unauthorized, Next.Requeue),
            (HttpStatusCode.NotFound, SyncedReasons.NorthflankRejected, SyncedReasons.NorthflankRejected, Next.Requeue),
        })
        {
            var events = next == Next.BackOff ? Array.Empty<string>() : [synced];
            yield return new($"create answered {(int)status}", rig =>
                {
                    rig.Northflank.Failures["POST service"] = () => new NorthflankApiException(status, $"answered {(int)status}");
                    return Task.FromResult(New());
                },
                new(["POST service"], ready, synced, events) { Next = next });
        }

        yield return new("create throttled: Throttled with when it is served, no backoff", rig =>
            {
                rig.Northflank.Failures["POST service"] = () => new NorthflankApiException(HttpStatusCode.TooManyRequests, "budget spent") { ServedAt = rig.Time.GetUtcNow().AddMinutes(3) };
                return Task.FromResult(New());
            },
            new(["POST service"], ReadyReasons.Throttled, null, []));
        yield return new("delete answered 502: Deleting, backed off", async rig =>
            {
                var sandbox = Deleting(await rig.ReadyAsync(New()));
                rig.Northflank.Failures["DELETE"] = ServerError;
                return sandbox;
            },
            new(["DELETE service {svc}"], ReadyReasons.Deleting, SyncedReasons.NorthflankUnavailable, []) { Next = Next.BackOff });
        yield return new("delete answered 400: blocked with Northflank's message", async rig =>
            {
                var sandbox = Deleting(await rig.ReadyAsync(New()));
                rig.Northflank.Failures["DELETE"] = () => new NorthflankApiException(HttpStatusCode.BadRequest, "service is locked");
                return sandbox;
            },
            new(["DELETE service {svc}"], ReadyReasons.Deleting, SyncedReasons.DeleteFailed, [SyncedReasons.DeleteFailed]));
        yield return new("delete with the token refused: released, saying what may be left", async rig =>
            {
                var sandbox = Deleting(await rig.ReadyAsync(New()));
                rig.Time.Advance(rig.Options.SettledPollInterval);
                rig.Northflank.Failures["GET services"] = () => new NorthflankApiException(HttpStatusCode.Unauthorized, "token revoked");
                return sandbox;
            },
            new(["GET services"], ReadyReasons.Available, SyncedReasons.Synced, ["DeleteUnconfirmed"]) { Next = Next.Released });
        yield return new("delete with the project gone: released", async rig =>
            {
                var sandbox = Deleting(await rig.ReadyAsync(New()));
                rig.Time.Advance(rig.Options.SettledPollInterval);
                rig.Northflank.Failures["GET services"] = () => new NorthflankApiException(HttpStatusCode.NotFound, "project not found");
                return sandbox;
            },
            new(["GET services"], ReadyReasons.Available, SyncedReasons.Synced, ["DeleteUnconfirmed"]) { Next = Next.Released });
    }

    [TestCaseSource(nameof(Cases))]
    public async Task One_reconcile(Case given)
    {
        var rig = new ReconcileRig();
        var sandbox = await given.Given(rig);

        var result = await rig.ReconcileAsync(sandbox);

        var status = rig.Cluster.Current(sandbox).Status;
        var want = given.Want;
        Assert.Multiple(() =>
        {
            Assert.That(rig.Calls(sandbox), Is.EqualTo(want.Calls), "Northflank calls");
            Assert.That(Conditions.Find(status?.Conditions, ConditionTypes.Ready)?.Reason, Is.EqualTo(want.Ready), "Ready reason");
            Assert.That(Conditions.Find(status?.Conditions, ConditionTypes.Synced)?.Reason, Is.EqualTo(want.Synced), "Synced reason");
            Assert.That(rig.Cluster.Events.Select(e => e.Reason), Is.EqualTo(want.Events), "events");
            Assert.That(NextOf(result), Is.EqualTo(want.Next), "what the runtime does next");
        });
    }

    [Test]
    public async Task A_delete_that_keeps_finding_Northflank_down_warns_once_on_the_third_attempt()
    {
        var rig = new ReconcileRig();
        var sandbox = Deleting(await rig.ReadyAsync(New()));
        rig.Northflank.Failures["DELETE"] = ServerError;

        var warnings = new List<int>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            rig.Cluster.Events.Clear();
            await rig.ReconcileAsync(sandbox);
            if (rig.Cluster.Events.Any(e => e is { Warning: true, Reason: "DeleteFailing" }))
            {
                warnings.Add(attempt);
            }
        }

        Assert.That(warnings, Is.EqualTo(new[] { SandboxReconciler.DeleteFailuresBeforeWarning }));
    }

    [Test]
    public async Task A_failed_deployment_is_explained_once_however_often_it_is_looked_at()
    {
        var rig = new ReconcileRig();
        rig.Northflank.Options.Deployment.UnpullableImageSubstrings = ["unpullable"];
        var sandbox = New(s => s.Image = "ghcr.io/acme/unpullable:1");
        for (var look = 0; look < 4; look++)
        {
            await rig.ReconcileAsync(sandbox);
            rig.Time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.That(rig.Calls(sandbox).Count(c => c.StartsWith("GET containers", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(rig.Cluster.Events.Count(e => e.Reason == ReadyReasons.DeploymentFailed), Is.EqualTo(1));
    }

    internal static Next NextOf(SandboxResult result) =>
        result.Released ? Next.Released : result.Error is not null ? Next.BackOff : result.RequeueAfter is null ? Next.Idle : Next.Requeue;
}
