using System.Collections.Concurrent;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Templates;
using SandboxOperator.Controllers.WarmPools;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Controllers.Claims;

/// <summary>Reads warm pools; the host serves them from the pool controller's cache.</summary>
public interface IWarmPools
{
    Task<SandboxWarmPool?> GetAsync(string namespaceName, string name, CancellationToken ct);
}

/// <summary>
/// Gives a claim its Sandbox once and keeps its status a mirror of that Sandbox's: binds a Ready pooled one with one
/// conditional patch (trying the next on a conflict, so two claims never share one), else creates one from the template.
/// No Northflank call is made here: a bound Sandbox's own controller resumes it if it was paused. Deleting the claim
/// deletes its Sandbox (also owned by the claim, for the garbage collector), whose finalizer deletes the service.
/// </summary>
public sealed class ClaimReconciler(
    ISandboxSet sandboxes,
    ISandboxTemplates templates,
    IWarmPools pools,
    TakenSandboxes taken,
    PoolMemory poolMemory,
    IStatusWriter<SandboxClaim, SandboxClaimStatus> writer,
    ClaimMetrics metrics,
    TimeProvider time)
{
    /// <summary>How often a claim is looked at anyway; its Sandbox's changes wake it sooner.</summary>
    public static readonly TimeSpan Resync = TimeSpan.FromMinutes(5);

    /// <summary>A claim whose pool or template is missing is looked at again this soon (their watches may not wake it).</summary>
    public static readonly TimeSpan RetryRefused = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A claim whose labels are invalid, or whose Sandbox the API server refused, is looked at again only this late: the
    /// same request would be refused the same way, and a change of the claim wakes it at once.
    /// </summary>
    public static readonly TimeSpan RetryInvalid = TimeSpan.FromMinutes(5);

    // The Sandbox each claim was given, until the cache shows it owned by the claim.
    private readonly ConcurrentDictionary<string, string> given = new(StringComparer.Ordinal);

    // The claims whose first Ready=True was measured (so a flap back to True is not measured again).
    private readonly ConcurrentDictionary<string, bool> measured = new(StringComparer.Ordinal);

    public async Task<ReconcileOutcome> ReconcileAsync(SandboxClaim claim, CancellationToken ct)
    {
        if (claim.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileOutcome.Done;
        }

        if (!sandboxes.Synced)
        {
            return ReconcileOutcome.After(TimeSpan.FromSeconds(1));
        }

        var sandbox = await BoundAsync(claim, ct);
        if (sandbox is null)
        {
            var (bound, refusal) = await BindAsync(claim, ct);
            if (bound is null)
            {
                writer.Record(claim, warning: true, refusal!.Reason, refusal.Message);
                await WriteAsync(claim, ClaimStatusOf.Refused(claim, refusal, time.GetUtcNow()), ct);
                return ReconcileOutcome.After(refusal.Reason is SyncedReasons.InvalidSpec or SandboxRefusedException.Reason ? RetryInvalid : RetryRefused);
            }

            sandbox = bound;
        }
        else if (ClaimStatusOf.ChangePending(claim))
        {
            var (followed, refusal) = await FollowAsync(claim, sandbox, ct);
            if (followed is null)
            {
                // The Sandbox keeps the claim's previous labels and lifecycle; the status says why, and the next look
                // (a change of the claim, of its Sandbox, or the slow retry) tries again.
                writer.Record(claim, warning: true, refusal!.Reason, refusal.Message);
                await WriteAsync(claim, ClaimStatusOf.NotFollowed(claim, sandbox, refusal, time.GetUtcNow()), ct);
                return ReconcileOutcome.After(RetryInvalid);
            }

            sandbox = followed;
        }

        var mirror = ClaimStatusOf.Mirror(claim, sandbox, time.GetUtcNow());
        await WriteAsync(claim, mirror, ct);
        MeasureFirstReady(claim, mirror);
        return ReconcileOutcome.After(Resync);
    }

    /// <summary>The claim is gone: so goes its Sandbox (the owner reference would too, later, through the garbage collector).</summary>
    public async Task DeletedAsync(SandboxClaim claim, CancellationToken ct)
    {
        given.TryRemove(claim.Metadata.Uid, out _);
        measured.TryRemove(claim.Metadata.Uid, out _);
        var ns = claim.Metadata.NamespaceProperty;
        foreach (var sandbox in sandboxes.InNamespace(ns).Where(s => PoolLabels.IsOwnedBy(s, claim.Metadata.Uid)).ToList())
        {
            await sandboxes.DeleteAsync(sandbox, ct);
        }

        if (claim.Status?.SandboxName is { } name && await sandboxes.GetAsync(ns, name, ct) is { } named && PoolLabels.IsOwnedBy(named, claim.Metadata.Uid))
        {
            await sandboxes.DeleteAsync(named, ct);
        }
    }

    /// <summary>The claim's Sandbox: the one it owns in the cache, else the one it was just given (read fresh).</summary>
    private async Task<Sandbox?> BoundAsync(SandboxClaim claim, CancellationToken ct)
    {
        var ns = claim.Metadata.NamespaceProperty;
        var owned = sandboxes.InNamespace(ns).FirstOrDefault(s => PoolLabels.IsOwnedBy(s, claim.Metadata.Uid));
        if (owned is not null)
        {
            given.TryRemove(claim.Metadata.Uid, out _);
            return owned;
        }

        var name = given.GetValueOrDefault(claim.Metadata.Uid) ?? claim.Status?.SandboxName;
        return name is not null && await sandboxes.GetAsync(ns, name, ct) is { } fresh && PoolLabels.IsOwnedBy(fresh, claim.Metadata.Uid) ? fresh : null;
    }

    private async Task<(Sandbox? Bound, Refusal? Refusal)> BindAsync(SandboxClaim claim, CancellationToken ct)
    {
        if (InvalidLabels(claim) is { } invalid)
        {
            return (null, invalid);
        }

        var ns = claim.Metadata.NamespaceProperty;
        SandboxWarmPool? pool = null;
        if (claim.Spec.WarmPoolRef is { } poolRef)
        {
            pool = await pools.GetAsync(ns, poolRef.Name, ct);
            if (pool is null)
            {
                return (null, new Refusal("PoolNotFound", $"spec.warmPoolRef: SandboxWarmPool {poolRef.Name} not found in namespace {ns}"));
            }
        }

        var templateName = pool?.Spec.TemplateRef.Name ?? claim.Spec.TemplateRef?.Name ?? "";
        var template = await templates.GetAsync(ns, templateName, ct);
        if (template is null)
        {
            return (null, new Refusal("TemplateNotFound", $"SandboxTemplate {templateName} not found in namespace {ns}"));
        }

        var choice = ClaimChooser.Choose(claim, pool, template, sandboxes.InNamespace(ns));
        foreach (var candidate in choice.Candidates.Where(c => taken.TryTake(ns, c.Metadata.Name)))
        {
            var (bound, refused) = await TryBindAsync(candidate, claim, pool!, ct);
            if (refused is not null)
            {
                return (null, refused);
            }

            if (bound is not null)
            {
                given[claim.Metadata.Uid] = candidate.Metadata.Name;
                poolMemory.Taken(pool!.Metadata.Uid);
                metrics.Claimed(LaunchTypes.Warm);
                writer.Record(claim, warning: false, "Bound", $"bound Sandbox {candidate.Metadata.Name} from pool {pool!.Metadata.Name} (warm)");
                return (bound, null);
            }

            taken.Give(ns, candidate.Metadata.Name);
        }

        Sandbox created;
        try
        {
            created = await CreateColdAsync(claim, template, ct);
        }
        catch (InvalidInputException e)
        {
            return (null, new Refusal(e.Reason, e.Message));
        }

        writer.Record(claim, warning: false, "Created", $"created Sandbox {created.Metadata.Name} from SandboxTemplate {template.Metadata.Name} (cold: {choice.ColdReason ?? "every pooled Sandbox was taken meanwhile"})");
        return (created, null);
    }

    /// <summary>The bind patch; a refusal by the API server gives the candidate back (it was not the candidate's fault).</summary>
    private async Task<(Sandbox? Bound, Refusal? Refused)> TryBindAsync(Sandbox candidate, SandboxClaim claim, SandboxWarmPool pool, CancellationToken ct)
    {
        try
        {
            return (await sandboxes.TryPatchAsync(candidate, ClaimChooser.BindPatch(candidate, claim, pool), ct), null);
        }
        catch (SandboxRefusedException e)
        {
            taken.Give(candidate.Metadata.NamespaceProperty, candidate.Metadata.Name);
            return (null, new Refusal(SandboxRefusedException.Reason, $"the API server refused to bind Sandbox {candidate.Metadata.Name} to the claim: {e.Message}"));
        }
    }

    /// <summary>A bound claim's spec changed: its labels and lifecycle go to its Sandbox (its template and pool cannot).</summary>
    private async Task<(Sandbox? Followed, Refusal? Refusal)> FollowAsync(SandboxClaim claim, Sandbox sandbox, CancellationToken ct)
    {
        if (InvalidLabels(claim) is { } invalid)
        {
            return (null, invalid);
        }

        if (ClaimChooser.FollowPatch(sandbox, claim) is not { } patch)
        {
            return (sandbox, null);
        }

        Sandbox followed;
        try
        {
            followed = await sandboxes.TryPatchAsync(sandbox, patch, ct) ?? throw new InvalidOperationException($"Sandbox {sandbox.Metadata.Name} went while its claim's changes were applied");
        }
        catch (SandboxRefusedException e)
        {
            return (null, new Refusal(SandboxRefusedException.Reason, $"the API server refused the claim's labels and lifecycle on Sandbox {sandbox.Metadata.Name}: {e.Message}"));
        }

        writer.Record(claim, warning: false, "Updated", $"applied the claim's labels and lifecycle to Sandbox {sandbox.Metadata.Name}; its template and pool stay those it was bound from");
        return (followed, null);
    }

    /// <summary>Labels the API server would refuse on the Sandbox, named: the schema checks their values, not their keys.</summary>
    private static Refusal? InvalidLabels(SandboxClaim claim) =>
        LabelRules.Problems("spec.labels", claim.Spec.Labels) is { Count: > 0 } problems
            ? new Refusal(SyncedReasons.InvalidSpec, string.Join("; ", problems))
            : null;

    /// <summary>Creates the claim's own Sandbox; one of its name that the claim already owns (an earlier attempt) is it.</summary>
    private async Task<Sandbox> CreateColdAsync(SandboxClaim claim, SandboxTemplate template, CancellationToken ct)
    {
        var wanted = ClaimChooser.NewSandbox(claim, template);
        var existing = await sandboxes.GetAsync(wanted.Metadata.NamespaceProperty, wanted.Metadata.Name, ct);
        if (existing is not null)
        {
            return PoolLabels.IsOwnedBy(existing, claim.Metadata.Uid)
                ? existing
                : throw new InvalidInputException("NameConflict", $"a Sandbox named {wanted.Metadata.Name} exists and is not this claim's");
        }

        Sandbox created;
        try
        {
            created = await sandboxes.CreateAsync(wanted, ct);
        }
        catch (SandboxRefusedException e)
        {
            // E.g. the claim's name, longer than a label value may be, in the label that names it on the Sandbox.
            throw new InvalidInputException(SandboxRefusedException.Reason, $"the API server refused to create Sandbox {wanted.Metadata.Name}: {e.Message}");
        }

        given[claim.Metadata.Uid] = created.Metadata.Name;
        metrics.Claimed(LaunchTypes.Cold);
        return created;
    }

    /// <summary>Creation to Ready=True, once per claim: when this reconcile turns it True (not when its status already said so).</summary>
    private void MeasureFirstReady(SandboxClaim claim, SandboxClaimStatus status)
    {
        static bool IsReady(SandboxClaimStatus? s) => s?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status == "True";
        if (!IsReady(status) || IsReady(claim.Status) || claim.Metadata.CreationTimestamp is not { } created || !measured.TryAdd(claim.Metadata.Uid, true))
        {
            return;
        }

        metrics.ClaimReady(status.LaunchType ?? "unknown", time.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)));
    }

    private Task WriteAsync(SandboxClaim claim, SandboxClaimStatus status, CancellationToken ct) =>
        ClaimStatusOf.Same(claim.Status, status) ? Task.CompletedTask : writer.WriteStatusAsync(claim, status, ct);
}

/// <summary>Why a claim has no Sandbox.</summary>
public sealed record Refusal(string Reason, string Message);
