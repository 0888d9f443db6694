using System.Net;
using ControllerRuntime;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Common.Setup;

/// <summary>
/// The warm pool and claim controllers' view of Sandboxes: reads from the Sandbox controller's cache (one watch of
/// Sandboxes for the whole operator), writes to the API server, each write checking the leadership fence first.
/// </summary>
public sealed class SandboxSet(InformerCache<Sandbox> cache, IEntityClient<Sandbox> client, IKubernetes kubernetes, ILeadershipFence fence) : ISandboxSet
{
    public bool Synced => cache.HasSynced;

    public IReadOnlyList<Sandbox> InNamespace(string namespaceName) => cache.Store?.ListByNamespace(namespaceName) ?? [];

    public async Task<Sandbox> CreateAsync(Sandbox sandbox, CancellationToken ct)
    {
        fence.ThrowIfLost();
        try
        {
            using var response = await kubernetes.CustomObjects.CreateNamespacedCustomObjectWithHttpMessagesAsync<Sandbox>(
                sandbox, Sandbox.Group, Sandbox.Version, sandbox.Metadata.NamespaceProperty, Sandbox.Plural, cancellationToken: ct);
            return response.Body;
        }
        catch (HttpOperationException e) when (ApiRefusal.IsRefusal(e))
        {
            throw new SandboxRefusedException(ApiRefusal.Message(e));
        }
    }

    /// <summary>Gone already, or a Sandbox of the same name that is another object (not ours to delete): both fine here.</summary>
    public Task DeleteAsync(Sandbox sandbox, CancellationToken ct) => client.DeleteAsync(sandbox, ct);

    public async Task<Sandbox?> TryPatchAsync(Sandbox sandbox, string mergePatch, CancellationToken ct)
    {
        try
        {
            return await client.PatchAsync(sandbox.Metadata.Name, sandbox.Metadata.NamespaceProperty, new V1Patch(mergePatch, V1Patch.PatchType.MergePatch), ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e) when (ApiRefusal.IsRefusal(e))
        {
            throw new SandboxRefusedException(ApiRefusal.Message(e));
        }
    }

    public Task<Sandbox?> GetAsync(string namespaceName, string name, CancellationToken ct) => client.GetAsync(name, namespaceName, ct);
}
