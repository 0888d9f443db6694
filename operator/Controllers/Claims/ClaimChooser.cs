using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Controllers.WarmPools;

namespace SandboxOperator.Controllers.Claims;

/// <summary>The pooled Sandboxes a claim may take, best first, or why it gets a new one (cold).</summary>
public sealed record ClaimChoice(IReadOnlyList<Sandbox> Candidates, string? ColdReason);

/// <summary>
/// A claim's decisions, pure: which pooled Sandboxes it may take, the one patch that takes one, and the new Sandbox it
/// gets when it can take none.
/// </summary>
public static class ClaimChooser
{
    /// <summary>
    /// Ready unclaimed Sandboxes of the pool, those of the template's current generation first, then the oldest. None when
    /// the claim names a template, or asks for a lifecycle its pool's Sandboxes cannot take: their template has its own,
    /// which Northflank was given when they were created.
    /// </summary>
    public static ClaimChoice Choose(SandboxClaim claim, SandboxWarmPool? pool, SandboxTemplate template, IEnumerable<Sandbox> inNamespace)
    {
        if (pool is null)
        {
            return new ClaimChoice([], $"the claim names SandboxTemplate {template.Metadata.Name}, not a pool");
        }

        if (claim.Spec.Lifecycle is not null && template.Spec.Lifecycle is not null)
        {
            return new ClaimChoice([], $"the Sandboxes of pool {pool.Metadata.Name} keep their template's lifecycle; the claim asks for its own");
        }

        var version = WarmPoolReconciler.Version(template);
        var candidates = PoolLabels.Unclaimed(pool, inNamespace)
            .Where(PoolLabels.IsReady)
            .OrderBy(s => PoolLabels.Label(s, PoolLabels.TemplateSpecHash) == version ? 0 : 1)
            .ThenBy(s => s.Metadata.CreationTimestamp)
            .ThenBy(s => s.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        return candidates.Count > 0
            ? new ClaimChoice(candidates, null)
            : new ClaimChoice([], $"no Ready Sandbox in pool {pool.Metadata.Name}");
    }

    /// <summary>
    /// The one JSON merge patch that moves a pooled Sandbox to the claim, applied only to the version the claim saw
    /// (it carries its resourceVersion: a 409 means another claim got it): the claim becomes its owner (replacing the
    /// pool), the pool label goes, the claim's labels come; a Paused pool's Sandbox is set Running.
    /// </summary>
    public static string BindPatch(Sandbox pooled, SandboxClaim claim, SandboxWarmPool pool)
    {
        var labels = new JsonObject { [PoolLabels.Pool] = null };
        foreach (var (key, value) in ClaimLabels(claim, LaunchTypes.Warm))
        {
            labels[key] = value;
        }

        var spec = new JsonObject();
        if (pool.Spec.Tier == PoolTiers.Paused)
        {
            spec["operatingMode"] = OperatingModes.Running;
        }

        if (Lifecycle(claim) is { } lifecycle)
        {
            spec["lifecycle"] = JsonSerializer.SerializeToNode(lifecycle);
        }

        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = pooled.Metadata.ResourceVersion,
                ["ownerReferences"] = new JsonArray(JsonNode.Parse(k8s.KubernetesJson.Serialize(PoolLabels.OwnerReference(SandboxClaim.EntityKind, claim.Metadata)))),
                ["labels"] = labels,
            },
        };
        if (spec.Count > 0)
        {
            patch["spec"] = spec;
        }

        return patch.ToJsonString();
    }

    /// <summary>
    /// The merge patch that brings a bound Sandbox in line with its claim's changed spec: the claim's labels (added or
    /// changed; the claim's own labels stay) and its lifecycle (removed when the claim no longer asks for one). The
    /// template and pool stay those it was bound from: a Sandbox is never swapped under a claim.
    /// </summary>
    public static string? FollowPatch(Sandbox bound, SandboxClaim claim)
    {
        var labels = new JsonObject();
        var launchType = PoolLabels.Label(bound, PoolLabels.LaunchType) ?? LaunchTypes.Cold;
        foreach (var (key, value) in ClaimLabels(claim, launchType).Where(l => PoolLabels.Label(bound, l.Key) != l.Value))
        {
            labels[key] = value;
        }

        var lifecycle = Lifecycle(claim);
        var lifecycleChanged = JsonSerializer.Serialize(lifecycle) != JsonSerializer.Serialize(bound.Spec.Lifecycle);
        if (labels.Count == 0 && !lifecycleChanged)
        {
            return null;
        }

        var patch = new JsonObject();
        if (labels.Count > 0)
        {
            patch["metadata"] = new JsonObject { ["labels"] = labels };
        }

        if (lifecycleChanged)
        {
            patch["spec"] = new JsonObject { ["lifecycle"] = lifecycle is null ? null : JsonSerializer.SerializeToNode(lifecycle) };
        }

        return patch.ToJsonString();
    }

    /// <summary>The Sandbox made for a claim that could take none from a pool: named as the claim, owned by it.</summary>
    public static Sandbox NewSandbox(SandboxClaim claim, SandboxTemplate template) => new()
    {
        Metadata = new k8s.Models.V1ObjectMeta
        {
            Name = claim.Metadata.Name,
            NamespaceProperty = claim.Metadata.NamespaceProperty,
            Labels = ClaimLabels(claim, LaunchTypes.Cold),
            OwnerReferences = [PoolLabels.OwnerReference(SandboxClaim.EntityKind, claim.Metadata)],
        },
        Spec = new SandboxSpec
        {
            TemplateRef = new TemplateReference { Name = template.Metadata.Name },
            Lifecycle = Lifecycle(claim),
        },
    };

    /// <summary>
    /// The claim's lifecycle as the Sandbox takes it: shutdownAfter counts from the claim's creation, so it becomes a
    /// shutdownTime (a pooled Sandbox was created earlier than the claim).
    /// </summary>
    public static SandboxLifecycle? Lifecycle(SandboxClaim claim)
    {
        if (claim.Spec.Lifecycle is not { } asked)
        {
            return null;
        }

        var time = asked.ShutdownTime;
        if (time is null && asked.ShutdownAfter is { } after && SpecValidator.TryParseDuration(after, out var duration)
            && duration <= SpecValidator.MaxLifetime && claim.Metadata.CreationTimestamp is { } created)
        {
            time = new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) + duration;
        }

        return new SandboxLifecycle { ShutdownTime = time, ShutdownAfter = time is null ? asked.ShutdownAfter : null, ShutdownPolicy = asked.ShutdownPolicy };
    }

    private static Dictionary<string, string> ClaimLabels(SandboxClaim claim, string launchType)
    {
        var labels = new Dictionary<string, string>(claim.Spec.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [PoolLabels.Claim] = claim.Metadata.Name,
            [PoolLabels.LaunchType] = launchType,
        };
        labels.Remove(PoolLabels.Pool); // A claimed Sandbox is never a pool's again, whatever the claim's labels say.
        return labels;
    }
}
