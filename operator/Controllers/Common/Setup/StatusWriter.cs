using ControllerRuntime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace SandboxOperator.Controllers.Common.Setup;

/// <summary>
/// A kind's status writes (conditional on the resourceVersion read) and Events, over the runtime's client and recorder.
/// Open for a kind that writes more than its status (the Sandbox writer also deletes).
/// </summary>
public class StatusWriter<TEntity, TStatus>(IEntityClient<TEntity> client, IEventRecorder recorder, ILogger<StatusWriter<TEntity, TStatus>> logger)
    : IStatusWriter<TEntity, TStatus>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The client the status goes through, for a kind's further writes.</summary>
    protected IEntityClient<TEntity> Client => client;

    public async Task<string?> WriteStatusAsync(TEntity entity, TStatus status, CancellationToken ct) =>
        (await client.ReplaceStatusAsync(entity.Metadata, status, ct)).Metadata.ResourceVersion;

    /// <summary>
    /// Without making the reconcile wait on the API server: an event that cannot be written is logged and dropped, as
    /// Kubernetes' own recorders do. The log names the reason and the error's type only: messages may quote what a
    /// tenant wrote.
    /// </summary>
    public void Record(TEntity entity, bool warning, string reason, string message) =>
        _ = recorder.RecordAsync(entity, warning ? EventType.Warning : EventType.Normal, reason, message).ContinueWith(
            t => logger.LogDebug("event {Reason} not recorded: {Error}", reason, t.Exception?.GetBaseException().GetType().Name),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
}
