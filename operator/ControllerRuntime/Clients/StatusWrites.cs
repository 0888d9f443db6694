using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControllerRuntime;

public static class StatusWrites
{
    /// <summary>
    /// Replaces an object's whole status, conditional on the resourceVersion it was computed from: one JSON patch that
    /// sets metadata.resourceVersion (so the API server refuses a stale one with 409 Conflict, as for an update) and
    /// adds /status (which replaces it whole, so a field that became empty is cleared). A conflict becomes a
    /// <see cref="ConflictException"/>: the runtime retries with backoff on what the cache holds by then, so neither a
    /// stale cache nor a deposed leader can overwrite a newer status. Needs only the patch verb on the status subresource.
    /// </summary>
    /// <remarks>
    /// Checked against kube-apiserver 1.20, status subresource of a custom resource, stale resourceVersion: a "test"
    /// op on /metadata/resourceVersion fails with 422 Invalid, like any malformed patch; a merge patch carrying
    /// metadata.resourceVersion gives 409 but merges into the old status instead of replacing it; a PUT of the object
    /// gives 409 but needs the update verb besides patch. "replace" + "add" gives 409 and needs only patch.
    /// </remarks>
    /// <returns>The object as written (its new resourceVersion).</returns>
    public static async Task<TEntity> ReplaceStatusAsync<TEntity, TStatus>(this IEntityClient<TEntity> client, V1ObjectMeta metadata, TStatus status, CancellationToken ct)
        where TEntity : IKubernetesObject<V1ObjectMeta>
    {
        var basedOn = metadata.ResourceVersion is { Length: > 0 } version
            ? version
            : throw new ArgumentException("The object has no resourceVersion to make the status write conditional on.", nameof(metadata));
        var patch = new V1Patch(
            new object[]
            {
                new { op = "replace", path = "/metadata/resourceVersion", value = basedOn },
                new { op = "add", path = "/status", value = status },
            },
            V1Patch.PatchType.JsonPatch);
        try
        {
            return await client.PatchStatusAsync(metadata.Name, metadata.NamespaceProperty, patch, ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConflictException($"{client.Metadata.Kind} {metadata.NamespaceProperty}/{metadata.Name} changed since resourceVersion {basedOn}; status not written.", e);
        }
    }
}
