using SandboxOperator.Northflank;
using SandboxOperator.Reconciler.Access;

namespace SandboxOperator.Reconciler;

/// <summary>
/// Everything a Sandbox refers to, read at reconcile time. <see cref="EnvironmentSources"/> says where each
/// variable came from (literal values, or Secret and ConfigMap keys by resourceVersion), never a secret value.
/// </summary>
public sealed record ResolvedInputs(
    NorthflankToken Token,
    string ProjectId,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> EnvironmentSources)
{
    /// <summary>The config the Sandbox works under; null only where tests build inputs by hand.</summary>
    public NorthflankAccess? Access { get; init; }
}

/// <summary>A problem only a change of spec or of a referenced object can fix: shown in Synced=False, not retried hot.</summary>
public sealed class InvalidInputException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
