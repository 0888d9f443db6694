using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Configs;

/// <summary>How both config controllers keep a config's status: written as every kind writes it, and only when it changed.</summary>
public static class ConfigStatusOf
{
    /// <summary>Writes <paramref name="status"/> unless <paramref name="current"/> already says the same (a write wakes every watcher of configs).</summary>
    public static async Task KeepAsync<TEntity>(
        IStatusWriter<TEntity, NorthflankConfigStatus> writer, TEntity entity, NorthflankConfigStatus? current, NorthflankConfigStatus status, CancellationToken ct)
    {
        if (!Same(current, status))
        {
            await writer.WriteStatusAsync(entity, status, ct);
        }
    }

    /// <summary>
    /// Field by field, the check's time included: it is what the status says of when the token was last tried, so a
    /// check at another time is a change.
    /// </summary>
    public static bool Same(NorthflankConfigStatus? a, NorthflankConfigStatus b) =>
        a is not null && a.ObservedGeneration == b.ObservedGeneration && a.Sandboxes == b.Sandboxes && a.LastChecked == b.LastChecked
        && (a.Projects ?? []).SequenceEqual(b.Projects ?? [], StringComparer.Ordinal)
        && (a.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message, c.ObservedGeneration, c.LastTransitionTime))
            .SequenceEqual((b.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message, c.ObservedGeneration, c.LastTransitionTime)));
}
