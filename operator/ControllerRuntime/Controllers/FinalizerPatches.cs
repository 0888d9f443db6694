using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>
/// JSON patches that add or remove one finalizer while guarding everyone else's: each patch first tests the
/// current finalizer list (or, when there is none, the resourceVersion), so a concurrent change makes the API
/// server reject it instead of silently dropping another controller's finalizer.
/// </summary>
public static class FinalizerPatches
{
    public static V1Patch Add(IKubernetesObject<V1ObjectMeta> entity, IReadOnlyCollection<string> identifiers)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var current = entity.Metadata.Finalizers;
        var ops = new JsonArray();
        if (current is null || current.Count == 0)
        {
            ops.Add(TestResourceVersion(entity));
            ops.Add(new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers", ["value"] = ToArray(identifiers) });
        }
        else
        {
            ops.Add(TestFinalizers(current));
            foreach (var id in identifiers)
            {
                ops.Add(new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers/-", ["value"] = id });
            }
        }

        return new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    /// <returns>The patch, or <c>null</c> when the finalizer is not there.</returns>
    public static V1Patch? Remove(IKubernetesObject<V1ObjectMeta> entity, string identifier)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var current = entity.Metadata.Finalizers;
        var index = current?.IndexOf(identifier) ?? -1;
        if (current is null || index < 0)
        {
            return null;
        }

        var ops = new JsonArray
        {
            TestFinalizers(current),
            new JsonObject { ["op"] = "remove", ["path"] = $"/metadata/finalizers/{index}" },
        };
        return new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    private static JsonObject TestFinalizers(IList<string> current) =>
        new() { ["op"] = "test", ["path"] = "/metadata/finalizers", ["value"] = ToArray(current) };

    private static JsonObject TestResourceVersion(IKubernetesObject<V1ObjectMeta> entity) =>
        new() { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = entity.Metadata.ResourceVersion };

    private static JsonArray ToArray(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }
}
