using ControllerRuntime;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace SandboxOperator.Hosting;

/// <summary>
/// Hands reconciler events to the runtime's recorder without making a reconcile wait on the API server: an event
/// that cannot be written is logged and dropped, as Kubernetes' own recorders do.
/// </summary>
public sealed class SandboxEventSink(IEventRecorder recorder, ILogger<SandboxEventSink> logger) : ISandboxEventSink
{
    public void Normal(Sandbox sandbox, string reason, string message) => Record(sandbox, EventType.Normal, reason, message);

    public void Warning(Sandbox sandbox, string reason, string message) => Record(sandbox, EventType.Warning, reason, message);

    private void Record(Sandbox sandbox, EventType type, string reason, string message) =>
        _ = recorder.RecordAsync(sandbox, type, reason, message).ContinueWith(
            t => logger.LogDebug("event {Reason} not recorded: {Error}", reason, t.Exception?.GetBaseException().GetType().Name),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
}
