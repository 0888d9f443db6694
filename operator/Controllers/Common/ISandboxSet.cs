using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Common;

/// <summary>
/// The Sandboxes of a namespace as the warm pool and claim controllers see and change them; the host serves reads from
/// the Sandbox controller's cache and sends writes to the API server (each checking the leadership fence).
/// </summary>
public interface ISandboxSet
{
    /// <summary>False until the cache has listed the Sandboxes once: nothing should be decided on an empty list then.</summary>
    bool Synced { get; }

    /// <summary>The cached Sandboxes of a namespace. Shared objects: never modify them.</summary>
    IReadOnlyList<Sandbox> InNamespace(string namespaceName);

    /// <summary>Creates a Sandbox (name or generateName); returns it as created.</summary>
    Task<Sandbox> CreateAsync(Sandbox sandbox, CancellationToken ct);

    /// <summary>Deletes the Sandbox (conditional on its uid); one already gone is no error.</summary>
    Task DeleteAsync(Sandbox sandbox, CancellationToken ct);

    /// <summary>
    /// Applies a JSON merge patch that carries the Sandbox's resourceVersion, so the API server applies it only to that
    /// very version. Returns the Sandbox as patched; null when it changed or went meanwhile (409, 404): someone else got
    /// there first.
    /// </summary>
    Task<Sandbox?> TryPatchAsync(Sandbox sandbox, string mergePatch, CancellationToken ct);

    /// <summary>The Sandbox as the API server has it now (not the cache), or null.</summary>
    Task<Sandbox?> GetAsync(string namespaceName, string name, CancellationToken ct);
}
