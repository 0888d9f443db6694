using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ControllerRuntime.Tests;

[KubernetesEntity(Group = "test.example.com", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
public sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "test.example.com/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public string? Spec { get; set; }

    public static Widget Make(string ns, string name, string rv = "1", params string[] finalizers) => new()
    {
        Metadata = new V1ObjectMeta
        {
            NamespaceProperty = ns,
            Name = name,
            ResourceVersion = rv,
            Uid = $"uid-{ns}-{name}",
            Finalizers = finalizers.Length == 0 ? null : [.. finalizers],
        },
    };
}

/// <summary>Applies patches to an in-memory object and records them.</summary>
internal sealed class FakeEntityClient : IEntityClient<Widget>
{
    public List<string> Calls { get; } = [];

    public Func<V1Patch, Exception?> FailPatch { get; set; } = _ => null;

    public Dictionary<ObjectKey, Widget> Objects { get; } = [];

    public EntityMetadata Metadata => EntityMetadata.For<Widget>();

    public Task<Widget?> GetAsync(string name, string? @namespace, CancellationToken ct) =>
        Task.FromResult(Objects.GetValueOrDefault(new ObjectKey(@namespace, name)));

    public Task<Widget> PatchAsync(string name, string? @namespace, V1Patch patch, CancellationToken ct)
    {
        lock (Calls)
        {
            Calls.Add($"patch:{patch.Content}");
        }

        if (FailPatch(patch) is { } ex)
        {
            throw ex;
        }

        var key = new ObjectKey(@namespace, name);
        var obj = Objects[key];
        var ops = JsonDocument.Parse((string)patch.Content).RootElement;
        foreach (var op in ops.EnumerateArray())
        {
            var kind = op.GetProperty("op").GetString();
            var path = op.GetProperty("path").GetString()!;
            if (kind == "test" && path == "/metadata/finalizers")
            {
                var expected = op.GetProperty("value").EnumerateArray().Select(e => e.GetString()!).ToList();
                if (!(obj.Metadata.Finalizers ?? []).SequenceEqual(expected))
                {
                    throw new InvalidOperationException("test failed");
                }
            }
            else if (kind == "add" && path == "/metadata/finalizers")
            {
                obj.Metadata.Finalizers = op.GetProperty("value").EnumerateArray().Select(e => e.GetString()!).ToList();
            }
            else if (kind == "add" && path == "/metadata/finalizers/-")
            {
                obj.Metadata.Finalizers!.Add(op.GetProperty("value").GetString()!);
            }
            else if (kind == "remove" && path.StartsWith("/metadata/finalizers/", StringComparison.Ordinal))
            {
                obj.Metadata.Finalizers!.RemoveAt(int.Parse(path["/metadata/finalizers/".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        obj.Metadata.ResourceVersion = (int.Parse(obj.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult(KubernetesJson.Deserialize<Widget>(KubernetesJson.Serialize(obj)));
    }

    public Task<Widget> PatchStatusAsync(string name, string? @namespace, V1Patch patch, CancellationToken ct) => throw new NotSupportedException();

    public Task<Widget> ReplaceStatusAsync(Widget entity, CancellationToken ct) => throw new NotSupportedException();

    public Task<DeleteResult> DeleteAsync(string name, string? @namespace, string uid, CancellationToken ct) => throw new NotSupportedException();
}

/// <summary>Records calls in order, with the finalizers the object had at call time.</summary>
internal sealed class RecordingController : IEntityController<Widget>, IEntityFinalizer<Widget>
{
    public const string FinalizerId = "test.example.com/cleanup";

    public List<string> Calls { get; } = [];

    public Func<Widget, ReconcileResult> OnReconcile { get; set; } = _ => ReconcileResult.Success();

    public Func<Widget, ReconcileResult> OnFinalize { get; set; } = _ => ReconcileResult.Success();

    public string Identifier => FinalizerId;

    public Task<ReconcileResult> ReconcileAsync(Widget entity, CancellationToken ct)
    {
        Calls.Add($"reconcile:{entity.Metadata.Name}:[{string.Join(",", entity.Metadata.Finalizers ?? [])}]");
        return Task.FromResult(OnReconcile(entity));
    }

    public Task DeletedAsync(Widget entity, CancellationToken ct)
    {
        Calls.Add($"deleted:{entity.Metadata.Name}");
        return Task.CompletedTask;
    }

    public Task<ReconcileResult> FinalizeAsync(Widget entity, CancellationToken ct)
    {
        Calls.Add($"finalize:{entity.Metadata.Name}");
        return Task.FromResult(OnFinalize(entity));
    }
}
