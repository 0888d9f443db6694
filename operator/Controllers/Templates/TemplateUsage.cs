using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates;

/// <summary>A template's status from what names it, and when a change of a referrer concerns a template. Pure.</summary>
public static class TemplateUsage
{
    /// <summary>
    /// The status of <paramref name="template"/>: its spec's hash, and the Sandboxes, pools and claims in its namespace
    /// that name it and are not being deleted (the lists may hold other namespaces' and templates' objects too).
    /// </summary>
    public static SandboxTemplateStatus StatusOf(
        SandboxTemplate template, IEnumerable<Sandbox> sandboxes, IEnumerable<SandboxWarmPool> pools, IEnumerable<SandboxClaim> claims)
    {
        var users = sandboxes.Where(s => Names(template, s.Metadata, s.Spec.TemplateRef))
            .Select(s => s.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        return new SandboxTemplateStatus
        {
            ObservedGeneration = template.Metadata.Generation,
            Hash = TemplateHash.Of(template.Spec),
            Sandboxes = users.Count,
            SandboxNames = [.. users.Take(SandboxTemplateStatus.MaxSandboxNames)],
            Pools = [.. pools.Where(p => Names(template, p.Metadata, p.Spec.TemplateRef)).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)],
            Claims = claims.Count(c => Names(template, c.Metadata, c.Spec.TemplateRef)),
        };
    }

    /// <summary>Whether the status written says the same as <paramref name="computed"/> (then there is nothing to write).</summary>
    public static bool Same(SandboxTemplateStatus? written, SandboxTemplateStatus computed) =>
        written is not null
        && written.ObservedGeneration == computed.ObservedGeneration
        && written.Hash == computed.Hash
        && written.Sandboxes == computed.Sandboxes
        && written.Claims == computed.Claims
        && (written.SandboxNames ?? []).SequenceEqual(computed.SandboxNames ?? [], StringComparer.Ordinal)
        && (written.Pools ?? []).SequenceEqual(computed.Pools ?? [], StringComparer.Ordinal);

    /// <summary>
    /// Whether a referrer's change can change a template's status: it came or went, started being deleted, or now names
    /// another template. Status writes and most spec changes of a Sandbox, pool or claim cannot.
    /// </summary>
    public static bool Concerns(k8s.Models.V1ObjectMeta? old, TemplateReference? oldRef, k8s.Models.V1ObjectMeta current, TemplateReference? currentRef) =>
        old is null
        || (old.DeletionTimestamp is null) != (current.DeletionTimestamp is null)
        || oldRef?.Name != currentRef?.Name;

    private static bool Names(SandboxTemplate template, k8s.Models.V1ObjectMeta referrer, TemplateReference? reference) =>
        reference?.Name == template.Metadata.Name
        && referrer.NamespaceProperty == template.Metadata.NamespaceProperty
        && referrer.DeletionTimestamp is null;
}
