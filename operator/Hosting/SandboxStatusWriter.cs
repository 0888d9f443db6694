using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Reconciler;
using SandboxOperator.Runtime;

namespace SandboxOperator.Hosting;

public sealed class SandboxStatusWriter(IEntityClient<Sandbox> client, IKubernetes kubernetes, ILeadershipFence fence) : ISandboxStatusWriter
{
    /// <summary>
    /// Replaces the whole status with one JSON-patch "add": only the leader writes, and never for one Sandbox
    /// from two workers, so there is no one to conflict with; a stale cached resourceVersion costs nothing.
    /// </summary>
    public async Task<string?> WriteStatusAsync(Sandbox sandbox, SandboxStatus status, CancellationToken ct)
    {
        var patch = new V1Patch(new[] { new { op = "add", path = "/status", value = status } }, V1Patch.PatchType.JsonPatch);
        var updated = await client.PatchStatusAsync(sandbox.Metadata.Name, sandbox.Metadata.NamespaceProperty, patch, ct);
        return updated.Metadata.ResourceVersion;
    }

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
