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
    /// Replaces the whole status, conditional on the resourceVersion it was computed from: one JSON patch that sets
    /// metadata.resourceVersion (so the API server refuses a stale one with 409 Conflict, as for an update) and adds
    /// /status (which replaces it whole, so a field that became empty is cleared). A conflict becomes a
    /// <see cref="ConflictException"/>: the runtime retries with backoff on what the cache holds by then. So neither
    /// a stale cache nor a deposed leader can overwrite a newer status. The fence is checked in the client.
    /// </summary>
    /// <remarks>
    /// Checked against kube-apiserver 1.20, status subresource of a custom resource, stale resourceVersion: a "test"
    /// op on /metadata/resourceVersion fails with 422 Invalid, like any malformed patch; a merge patch carrying
    /// metadata.resourceVersion gives 409 but merges into the old status instead of replacing it; a PUT of the object
    /// gives 409 but needs the update verb besides patch. "replace" + "add" gives 409 and needs only patch.
    /// </remarks>
    public async Task<string?> WriteStatusAsync(Sandbox sandbox, SandboxStatus status, CancellationToken ct)
    {
        var meta = sandbox.Metadata;
        var basedOn = meta.ResourceVersion is { Length: > 0 } version
            ? version
            : throw new ArgumentException("The Sandbox has no resourceVersion to make the status write conditional on.", nameof(sandbox));
        var patch = new V1Patch(
            new object[]
            {
                new { op = "replace", path = "/metadata/resourceVersion", value = basedOn },
                new { op = "add", path = "/status", value = status },
            },
            V1Patch.PatchType.JsonPatch);
        try
        {
            var updated = await client.PatchStatusAsync(meta.Name, meta.NamespaceProperty, patch, ct);
            return updated.Metadata.ResourceVersion;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConflictException($"Sandbox {meta.NamespaceProperty}/{meta.Name} changed since resourceVersion {basedOn}; status not written.", e);
        }
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
