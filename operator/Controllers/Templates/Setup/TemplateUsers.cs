using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates.Setup;

/// <summary>What names templates, from the Sandbox, pool and claim controllers' caches.</summary>
public sealed class TemplateUsers(InformerCache<Sandbox> sandboxes, InformerCache<SandboxWarmPool> pools, InformerCache<SandboxClaim> claims) : ITemplateUsers
{
    public bool Synced => sandboxes.HasSynced && pools.HasSynced && claims.HasSynced;

    public IReadOnlyList<Sandbox> Sandboxes(string namespaceName) => sandboxes.Store?.ListByNamespace(namespaceName) ?? [];

    public IReadOnlyList<SandboxWarmPool> Pools(string namespaceName) => pools.Store?.ListByNamespace(namespaceName) ?? [];

    public IReadOnlyList<SandboxClaim> Claims(string namespaceName) => claims.Store?.ListByNamespace(namespaceName) ?? [];
}
