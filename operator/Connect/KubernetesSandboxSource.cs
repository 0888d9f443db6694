using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Connect;

/// <summary>
/// Reads the Sandbox from the API server on each session: the controllers' caches are filled only on the leader and only
/// in the watched namespaces, and a pause or a status just written must count at once. One GET per session.
/// </summary>
public sealed class KubernetesSandboxSource(IKubernetes kubernetes) : ISandboxSource
{
    public async Task<Sandbox?> GetAsync(string @namespace, string name, CancellationToken ct)
    {
        try
        {
            var found = await kubernetes.CustomObjects.GetNamespacedCustomObjectAsync(Sandbox.Group, Sandbox.Version, @namespace, Sandbox.Plural, name, ct);
            return found is JsonElement json ? KubernetesJson.Deserialize<Sandbox>(json.GetRawText()) : KubernetesJson.Deserialize<Sandbox>(KubernetesJson.Serialize(found));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
