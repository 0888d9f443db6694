namespace SandboxOperator.Controllers.Common;

/// <summary>
/// Writes a kind's status and its Events: the one way every controller writes what it saw, implemented by the host over
/// the controller runtime (<c>Controllers.Common.Setup.StatusWriter</c>) and by a fake in tests.
/// </summary>
public interface IStatusWriter<in TEntity, in TStatus>
{
    /// <summary>
    /// Replaces the whole status, only if the object still has <paramref name="entity"/>'s resourceVersion: one changed
    /// since it was read (or written by someone else) is a conflict, thrown, never overwritten.
    /// </summary>
    /// <returns>The resourceVersion the object has after the write.</returns>
    Task<string?> WriteStatusAsync(TEntity entity, TStatus status, CancellationToken ct);

    /// <summary>Records an Event on the object without waiting for it; one that cannot be written is dropped.</summary>
    void Record(TEntity entity, bool warning, string reason, string message);
}
