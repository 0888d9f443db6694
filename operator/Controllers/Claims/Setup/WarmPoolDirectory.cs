using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Claims.Setup;

/// <summary>Warm pools from the pool controller's cache; before it has synced, from the API server. Same namespace only.</summary>
public sealed class WarmPoolDirectory(InformerCache<SandboxWarmPool> cache, IEntityClient<SandboxWarmPool> client) : IWarmPools
{
    public async Task<SandboxWarmPool?> GetAsync(string namespaceName, string name, CancellationToken ct)
    {
        if (cache.HasSynced)
        {
            return cache.TryGet(namespaceName, name, out var pool) ? pool : null;
        }

        return await client.GetAsync(name, namespaceName, ct);
    }
}
