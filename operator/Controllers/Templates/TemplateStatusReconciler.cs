using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Templates;

/// <summary>What names templates, as the host's caches hold it (no API call). Shared objects: never modify them.</summary>
public interface ITemplateUsers
{
    /// <summary>False until every cache has listed once: a status counted from an empty cache would be wrong.</summary>
    bool Synced { get; }

    IReadOnlyList<Sandbox> Sandboxes(string namespaceName);

    IReadOnlyList<SandboxWarmPool> Pools(string namespaceName);

    IReadOnlyList<SandboxClaim> Claims(string namespaceName);
}

/// <summary>
/// Keeps a template's status (<see cref="TemplateUsage.StatusOf"/>) in step with what names it; writes it only when it
/// says something new, so a reconcile with nothing new costs no API call. The host wakes it when a referrer comes, goes
/// or names another template.
/// </summary>
public sealed class TemplateStatusReconciler(ITemplateUsers users, IStatusWriter<SandboxTemplate, SandboxTemplateStatus> writer)
{
    /// <summary>How long to wait for the caches before looking again.</summary>
    public static readonly TimeSpan NotSyncedDelay = TimeSpan.FromSeconds(1);

    /// <returns>When to look again, or done when a change will wake it.</returns>
    public async Task<ReconcileOutcome> ReconcileAsync(SandboxTemplate template, CancellationToken ct)
    {
        if (!users.Synced)
        {
            return ReconcileOutcome.After(NotSyncedDelay);
        }

        var ns = template.Metadata.NamespaceProperty;
        var status = TemplateUsage.StatusOf(template, users.Sandboxes(ns), users.Pools(ns), users.Claims(ns));
        if (!TemplateUsage.Same(template.Status, status))
        {
            await writer.WriteStatusAsync(template, status, ct);
        }

        return ReconcileOutcome.Done;
    }
}
