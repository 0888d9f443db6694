using ControllerRuntime;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>
/// The Sandbox controller's writes to the cluster, over the runtime's entity client and event recorder: status and
/// Events as every kind writes them (<see cref="StatusWriter{TEntity,TStatus}"/>), and the uid-conditioned delete.
/// </summary>
public sealed class SandboxWriter(IEntityClient<Sandbox> client, IEventRecorder recorder, ILogger<StatusWriter<Sandbox, SandboxStatus>> logger)
    : StatusWriter<Sandbox, SandboxStatus>(client, recorder, logger), ISandboxWriter
{
    /// <summary>
    /// Gone already is done. A Sandbox that now holds the name is another one, created after this was decided: a
    /// conflict, so the runtime retries quietly on what the cache holds by then (the newcomer, with its own spec).
    /// </summary>
    public async Task DeleteSandboxAsync(Sandbox sandbox, CancellationToken ct)
    {
        if (await Client.DeleteAsync(sandbox, ct) == DeleteResult.NotOurs)
        {
            throw new ConflictException($"Sandbox {sandbox.Metadata.NamespaceProperty}/{sandbox.Metadata.Name} is another object now (uid precondition failed); not deleted.");
        }
    }
}
