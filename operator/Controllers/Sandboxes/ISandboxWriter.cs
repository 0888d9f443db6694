using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// What the Sandbox controller writes to the cluster, implemented by the host over the controller runtime: its status
/// and Events as every kind writes them (<see cref="IStatusWriter{TEntity,TStatus}"/>; the new resourceVersion is what
/// <see cref="SandboxRecord"/> remembers of a write), and the Sandbox's own deletion at expiry.
/// </summary>
public interface ISandboxWriter : IStatusWriter<Sandbox, SandboxStatus>
{
    /// <summary>Deletes the Sandbox object itself (expiry with shutdownPolicy Delete).</summary>
    Task DeleteSandboxAsync(Sandbox sandbox, CancellationToken ct);
}
