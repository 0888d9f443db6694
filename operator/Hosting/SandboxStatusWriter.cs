using System.Net;
using ControllerRuntime;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace SandboxOperator.Hosting;

public sealed class SandboxStatusWriter(IEntityClient<Sandbox> client, IKubernetes kubernetes, ILeadershipFence fence) : ISandboxStatusWriter
{
    /// <summary>Replaces the whole status, conditional on the resourceVersion it was computed from (see <see cref="StatusWrites"/>).</summary>
    public async Task<string?> WriteStatusAsync(Sandbox sandbox, SandboxStatus status, CancellationToken ct) =>
        (await client.ReplaceStatusAsync(sandbox.Metadata, status, ct)).Metadata.ResourceVersion;

    public async Task DeleteSandboxAsync(Sandbox sandbox, CancellationToken ct)
    {
        fence.ThrowIfLost();
        try
        {
            await kubernetes.CustomObjects.DeleteNamespacedCustomObjectAsync(
                Sandbox.Group, Sandbox.Version, sandbox.Metadata.NamespaceProperty, Sandbox.Plural, sandbox.Metadata.Name,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = sandbox.Metadata.Uid } }, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }
}
