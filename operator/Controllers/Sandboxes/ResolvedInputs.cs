using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

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

    /// <summary>The Sandbox's spec merged with its template's; null only where tests build inputs by hand.</summary>
    public SandboxSpec? Spec { get; init; }
}

