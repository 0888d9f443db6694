using ControllerRuntime;
using k8s;
using k8s.Models;

namespace SandboxOperator.Controllers.Common.Setup;

/// <summary>A kind's status writes (conditional on the resourceVersion read) and Events, over the runtime's client and recorder.</summary>
public sealed class StatusWriter<TEntity, TStatus>(IEntityClient<TEntity> client, IEventRecorder recorder) : IStatusWriter<TEntity, TStatus>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    public Task WriteStatusAsync(TEntity entity, TStatus status, CancellationToken ct) => client.ReplaceStatusAsync(entity.Metadata, status, ct);

    public void Record(TEntity entity, bool warning, string reason, string message) =>
        _ = recorder.RecordAsync(entity, warning ? EventType.Warning : EventType.Normal, reason, message).ContinueWith(
            _ => { }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
