using ControllerRuntime;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>The Sandbox controller's writes to the cluster, over the runtime's entity client and event recorder.</summary>
public sealed class SandboxWriter(IEntityClient<Sandbox> client, IEventRecorder recorder, ILogger<SandboxWriter> logger)
    : ISandboxWriter
{
    /// <summary>Replaces the whole status, conditional on the resourceVersion it was computed from (see <see cref="StatusWrites"/>).</summary>
    public async Task<string?> WriteStatusAsync(Sandbox sandbox, SandboxStatus status, CancellationToken ct) =>
        (await client.ReplaceStatusAsync(sandbox.Metadata, status, ct)).Metadata.ResourceVersion;

    /// <summary>
    /// Gone already is done. A Sandbox that now holds the name is another one, created after this was decided: a
    /// conflict, so the runtime retries quietly on what the cache holds by then (the newcomer, with its own spec).
    /// </summary>
    public async Task DeleteSandboxAsync(Sandbox sandbox, CancellationToken ct)
    {
        if (await client.DeleteAsync(sandbox, ct) == DeleteResult.NotOurs)
        {
            throw new ConflictException($"Sandbox {sandbox.Metadata.NamespaceProperty}/{sandbox.Metadata.Name} is another object now (uid precondition failed); not deleted.");
        }
    }

    /// <summary>Without making the reconcile wait on the API server: an event that cannot be written is logged and dropped, as Kubernetes' own recorders do.</summary>
    public void Record(Sandbox sandbox, SandboxEvent sandboxEvent) =>
        _ = recorder.RecordAsync(sandbox, sandboxEvent.Warning ? EventType.Warning : EventType.Normal, sandboxEvent.Reason, sandboxEvent.Message).ContinueWith(
            t => logger.LogDebug("event {Reason} not recorded: {Error}", sandboxEvent.Reason, t.Exception?.GetBaseException().GetType().Name),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
}
