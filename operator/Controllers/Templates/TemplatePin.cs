using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates;

/// <summary>
/// An unclaimed pooled Sandbox is pinned to the template spec it was made from (the hash its label carries): when the
/// template changes, it is never changed in place, as that would take it down (Ready False while it redeploys) beside
/// others, whatever the pool's maxUnavailable. Its pool replaces it instead, a few at a time. Once a claim takes it (the
/// pool label goes), it follows its template again, in place like any Sandbox. Pure.
/// </summary>
public static class TemplatePin
{
    /// <summary>On an unclaimed pooled Sandbox: its pool's name. Removed when a claim takes it.</summary>
    public const string PoolLabel = "sandbox.northflank.com/pool";

    /// <summary>On a pooled Sandbox: the hash (<see cref="TemplateHash"/>) of the template spec it was made from.</summary>
    public const string SpecHashLabel = "sandbox.northflank.com/template-hash";

    /// <summary>
    /// True when the Sandbox is an unclaimed pooled one made from another spec than <paramref name="template"/>'s: its
    /// controller leaves its service as it is. A Sandbox being deleted is never held, nor one whose template is missing
    /// (nothing to compare with).
    /// </summary>
    public static bool Holds(Sandbox sandbox, SandboxTemplate? template) =>
        template is not null
        && sandbox.Metadata.DeletionTimestamp is null
        && Label(sandbox, PoolLabel) is not null
        && (sandbox.Metadata.OwnerReferences ?? []).Any(o => o.Controller == true && o.Kind == SandboxWarmPool.EntityKind)
        && Label(sandbox, SpecHashLabel) is { } made
        && made != TemplateHash.Of(template.Spec);

    /// <summary>A change that lets a held Sandbox go (a claim took it): its controller must apply the template now.</summary>
    public static bool Released(Sandbox before, Sandbox after, SandboxTemplate? template) =>
        Holds(before, template) && !Holds(after, template);

    private static string? Label(Sandbox sandbox, string key) =>
        sandbox.Metadata.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;
}
