using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Connect;

/// <summary>Records that a user started an exec in a Sandbox.</summary>
public interface IExecAudit
{
    Task ExecStartedAsync(Sandbox sandbox, ConnectUser user, CancellationToken ct);
}

/// <summary>
/// An Event on the Sandbox for every exec, naming the user, never the command: its arguments may hold secrets
/// (<c>sh -c 'curl -H "Authorization: ..."'</c>), and Events are readable by anyone who may read the namespace's Events.
/// Written straight to the API server on every replica (not through the leader-fenced recorder, nor aggregated): an
/// exec served by a standby is audited too. A failed write is logged, and the session goes on.
/// </summary>
public sealed class ExecAudit(IKubernetes kubernetes, TimeProvider time, ILogger<ExecAudit> logger) : IExecAudit
{
    public const string Reason = "ExecStarted";
    public const string Component = "northflank-sandbox-operator";

    public static string MessageFor(ConnectUser user) => $"{user.Name} started an exec session (sandboxes/exec)";

    public async Task ExecStartedAsync(Sandbox sandbox, ConnectUser user, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = $"{sandbox.Metadata.Name}.exec.", NamespaceProperty = sandbox.Metadata.NamespaceProperty },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = sandbox.ApiVersion,
                Kind = sandbox.Kind,
                Name = sandbox.Metadata.Name,
                NamespaceProperty = sandbox.Metadata.NamespaceProperty,
                Uid = sandbox.Metadata.Uid,
                ResourceVersion = sandbox.Metadata.ResourceVersion,
            },
            Reason = Reason,
            Message = MessageFor(user),
            Type = "Normal",
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = Environment.MachineName,
            Action = "Exec",
            FirstTimestamp = now,
            LastTimestamp = now,
            EventTime = now,
            Count = 1,
        };
        try
        {
            await kubernetes.CoreV1.CreateNamespacedEventAsync(ev, sandbox.Metadata.NamespaceProperty, cancellationToken: ct);
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
        {
            logger.LogWarning("Could not record the exec of {User} in Sandbox {Namespace}/{Name} as an Event: {Error}",
                user.Name, sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, e.GetType().Name);
        }
    }
}
