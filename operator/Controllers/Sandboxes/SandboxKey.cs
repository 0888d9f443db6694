using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// What the reconciler remembers a Sandbox by: its uid, so a Sandbox deleted and re-created under the same name is a
/// new one (new name on Northflank, no inherited memory); namespace/name only for an object not yet stored.
/// </summary>
public static class SandboxKey
{
    public static string Of(Sandbox sandbox) => sandbox.Metadata.Uid ?? $"{sandbox.Metadata.NamespaceProperty}/{sandbox.Metadata.Name}";

    /// <summary>How a Sandbox is named to something that wakes it later (a token's circuit or lanes): namespace/name, the work queue's key.</summary>
    public static string Caller(Sandbox sandbox) => $"{sandbox.Metadata.NamespaceProperty}/{sandbox.Metadata.Name}";
}
