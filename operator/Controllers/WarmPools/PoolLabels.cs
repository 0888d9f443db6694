using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Templates;

namespace SandboxOperator.Controllers.WarmPools;

/// <summary>The labels and owner references that say which pool or claim a Sandbox belongs to.</summary>
public static class PoolLabels
{
    /// <summary>On an unclaimed pooled Sandbox: its pool's name. Removed when a claim takes it.</summary>
    public const string Pool = TemplatePin.PoolLabel;

    /// <summary>On a claimed Sandbox: its claim's name.</summary>
    public const string Claim = "sandbox.northflank.com/claim";

    /// <summary>
    /// On a pooled Sandbox: the hash of the template spec it was made from (a changed template replaces it). Not the
    /// template's generation, which starts again at 1 when a template is deleted and made anew with another spec.
    /// </summary>
    public const string TemplateSpecHash = TemplatePin.SpecHashLabel;

    /// <summary>On a claimed Sandbox: warm (taken from a pool) or cold (made for the claim).</summary>
    public const string LaunchType = "sandbox.northflank.com/launch-type";

    /// <summary>A label's value on the Sandbox, or null.</summary>
    public static string? Label(Sandbox sandbox, string key) =>
        sandbox.Metadata.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;

    public static string Selector(string poolName) => $"{Pool}={poolName}";

    /// <summary>The owner reference that makes <paramref name="owner"/> the Sandbox's controller (deleted with it).</summary>
    public static V1OwnerReference OwnerReference(string kind, V1ObjectMeta owner) => new()
    {
        ApiVersion = $"{Sandbox.Group}/{Sandbox.Version}",
        Kind = kind,
        Name = owner.Name,
        Uid = owner.Uid,
        Controller = true,
    };

    /// <summary>Whether the object with this uid is the Sandbox's controller.</summary>
    public static bool IsOwnedBy(Sandbox sandbox, string? uid) =>
        uid is not null && (sandbox.Metadata.OwnerReferences ?? []).Any(o => o.Controller == true && o.Uid == uid);

    /// <summary>The pool's unclaimed Sandboxes, not being deleted.</summary>
    public static IEnumerable<Sandbox> Unclaimed(SandboxWarmPool pool, IEnumerable<Sandbox> sandboxes) =>
        sandboxes.Where(s => s.Metadata.DeletionTimestamp is null
            && Label(s, Pool) == pool.Metadata.Name
            && IsOwnedBy(s, pool.Metadata.Uid));

    /// <summary>Ready, and for this very spec (a status written before the last spec change does not count).</summary>
    public static bool IsReady(Sandbox sandbox) =>
        sandbox.Status is { } status
        && status.ObservedGeneration == sandbox.Metadata.Generation
        && status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status == "True";
}
