using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Templates;

namespace SandboxOperator.Controllers.WarmPools;

/// <summary>
/// Keeps a warm pool's unclaimed Sandboxes as <see cref="PoolPlanner"/> decides: creates them from the pool's template
/// (owned by the pool, labelled with it, Paused for a Paused tier), deletes extras and replaces those of an old template.
/// Claimed Sandboxes have left the pool (their owner is the claim) and are never touched. Returns when to look again.
/// </summary>
public sealed class WarmPoolReconciler(
    ISandboxSet sandboxes, ISandboxTemplates templates, IStatusWriter<SandboxWarmPool, SandboxWarmPoolStatus> writer, PoolMemory memory, TimeProvider time)
{
    /// <summary>How often a settled pool is looked at anyway; its Sandboxes' changes wake it sooner.</summary>
    public static readonly TimeSpan Resync = TimeSpan.FromMinutes(5);

    public async Task<ReconcileOutcome> ReconcileAsync(SandboxWarmPool pool, CancellationToken ct)
    {
        var ns = pool.Metadata.NamespaceProperty;
        if (!sandboxes.Synced)
        {
            return ReconcileOutcome.After(TimeSpan.FromSeconds(1));
        }

        var template = await templates.GetAsync(ns, pool.Spec.TemplateRef.Name, ct);
        var unclaimed = PoolLabels.Unclaimed(pool, sandboxes.InNamespace(ns)).ToList();
        if (template is null)
        {
            var message = $"spec.templateRef: SandboxTemplate {pool.Spec.TemplateRef.Name} not found in namespace {ns}";
            writer.Record(pool, warning: true, "TemplateNotFound", message);
            await WriteStatusAsync(pool, unclaimed, [], false, "TemplateNotFound", message, ct);
            return ReconcileOutcome.After(Resync); // The template's watch wakes the pool when it appears.
        }

        var version = Version(template);
        var cached = unclaimed.Select(s => Member(s, version)).ToList();
        var members = memory.Adjust(pool.Metadata.Uid, cached);
        var plan = PoolPlanner.Plan(pool.Spec.Replicas, pool.Spec.MaxUnavailable, members);
        var refillDelay = plan.Create > 0 ? memory.RefillDelay(pool.Metadata.Uid) : null;
        // A rollout's deletes wait with the creates that replace them: a Sandbox is deleted only as its successor is made.
        var refused = await CarryOutAsync(pool, template, unclaimed, refillDelay is null ? plan : PoolPlan.Nothing, ct);
        if (refused is not null)
        {
            // The API server refuses every Sandbox of this pool alike (say, a pool name too long for the label that
            // names it): said once per look, tried again only on the slow resync or when the pool changes.
            writer.Record(pool, warning: true, SandboxRefusedException.Reason, refused);
            await WriteStatusAsync(pool, unclaimed, members, false, SandboxRefusedException.Reason, refused, ct);
            return ReconcileOutcome.After(Resync);
        }

        var ready = PoolPlanner.IsReady(pool.Spec.Replicas, members);
        var (reason, text) = ready ? ("Available", $"{pool.Spec.Replicas} Sandboxes ready") : ("Filling", $"{members.Count(m => m.Ready && m.Current)} of {pool.Spec.Replicas} Sandboxes ready");
        await WriteStatusAsync(pool, unclaimed, members, ready, reason, text, ct);
        return ReconcileOutcome.After(refillDelay ?? Resync);
    }

    public void Forget(SandboxWarmPool pool) => memory.Forget(pool.Metadata.Uid);

    /// <summary>Creates and deletes as planned; returns why the API server refused a new Sandbox, if it did (no more are tried then).</summary>
    private async Task<string?> CarryOutAsync(SandboxWarmPool pool, SandboxTemplate template, List<Sandbox> unclaimed, PoolPlan plan, CancellationToken ct)
    {
        string? refused = null;
        var created = 0;
        while (created < plan.Create && refused is null)
        {
            try
            {
                var sandbox = await sandboxes.CreateAsync(NewMember(pool, template), ct);
                memory.Created(pool.Metadata.Uid, sandbox.Metadata.Name);
                created++;
            }
            catch (SandboxRefusedException e)
            {
                refused = $"the API server refused to create a Sandbox for the pool: {e.Message}";
            }
        }

        foreach (var name in plan.Delete)
        {
            var sandbox = unclaimed.FirstOrDefault(s => s.Metadata.Name == name);
            if (sandbox is not null)
            {
                await sandboxes.DeleteAsync(sandbox, ct);
                memory.Deleted(pool.Metadata.Uid, name);
            }
        }

        if (created > 0)
        {
            writer.Record(pool, warning: false, "Created", $"created {created} Sandbox(es) from SandboxTemplate {template.Metadata.Name}");
        }

        if (plan.Delete.Count > 0)
        {
            writer.Record(pool, warning: false, "Deleted", $"deleted unclaimed Sandbox(es) {string.Join(", ", plan.Delete)}");
        }

        return refused;
    }

    /// <summary>A new unclaimed Sandbox: generateName from the pool, owned by it, labelled with it and the template's spec hash.</summary>
    public static Sandbox NewMember(SandboxWarmPool pool, SandboxTemplate template) => new()
    {
        Metadata = new V1ObjectMeta
        {
            GenerateName = $"{pool.Metadata.Name}-",
            NamespaceProperty = pool.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>
            {
                [PoolLabels.Pool] = pool.Metadata.Name,
                [PoolLabels.TemplateSpecHash] = Version(template),
            },
            OwnerReferences = [PoolLabels.OwnerReference(SandboxWarmPool.EntityKind, pool.Metadata)],
        },
        Spec = new SandboxSpec
        {
            TemplateRef = new TemplateReference { Name = template.Metadata.Name },
            OperatingMode = pool.Spec.Tier == PoolTiers.Paused ? OperatingModes.Paused : OperatingModes.Running,
        },
    };

    /// <summary>What a pooled Sandbox is labelled with, to tell whether it was made from the template as it is now.</summary>
    public static string Version(SandboxTemplate template) => TemplateHash.Of(template.Spec);

    private static PoolMember Member(Sandbox sandbox, string version) => new(
        sandbox.Metadata.Name,
        PoolLabels.IsReady(sandbox),
        PoolLabels.Label(sandbox, PoolLabels.TemplateSpecHash) == version,
        sandbox.Metadata.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : DateTimeOffset.MinValue);

    private Task WriteStatusAsync(
        SandboxWarmPool pool, List<Sandbox> unclaimed, IReadOnlyList<PoolMember> members, bool ready, string reason, string message, CancellationToken ct)
    {
        var status = new SandboxWarmPoolStatus
        {
            ObservedGeneration = pool.Metadata.Generation,
            Replicas = Math.Max(unclaimed.Count, members.Count),
            ReadyReplicas = unclaimed.Count(PoolLabels.IsReady),
            Selector = PoolLabels.Selector(pool.Metadata.Name),
            Conditions = Conditions.With(pool.Status?.Conditions, ConditionTypes.Ready, new ConditionVerdict(ready ? "True" : "False", reason, message), pool.Metadata.Generation, time.GetUtcNow()),
        };
        return Same(pool.Status, status) ? Task.CompletedTask : writer.WriteStatusAsync(pool, status, ct);
    }

    private static bool Same(SandboxWarmPoolStatus? a, SandboxWarmPoolStatus b) =>
        a is not null && a.ObservedGeneration == b.ObservedGeneration && a.Replicas == b.Replicas && a.ReadyReplicas == b.ReadyReplicas
        && a.Selector == b.Selector && a.Conditions?.FirstOrDefault() is { } c && b.Conditions!.First() is var d
        && c.Status == d.Status && c.Reason == d.Reason && c.Message == d.Message;
}
