using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
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

/// <summary>A list/watch driven by the test: each list returns the next scripted list; each watch reads a channel.</summary>
internal sealed class ScriptedListWatch<T> : IListWatch<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentQueue<Func<EntityListResult<T>>> _lists = new();
    private readonly List<T> _all = [];
    private readonly Channel<Channel<object>> _watches = Channel.CreateUnbounded<Channel<object>>();

    public ConcurrentQueue<(string? Namespace, string ResourceVersion)> WatchCalls { get; } = new();

    public int ListCalls;

    public void EnqueueList(string rv, params T[] items)
    {
        _all.AddRange(items);
        _lists.Enqueue(() => new EntityListResult<T>(items, rv));
    }

    /// <summary>When set, a list call for a namespace returns only the scripted items of that namespace, so
    /// reflectors of several namespaces that race for the queue still each see their own objects.</summary>
    public bool FilterListsByNamespace { get; set; }

    public void EnqueueListFailure(Exception ex) => _lists.Enqueue(() => throw ex);

    /// <summary>The next watch the reflector opens reads from the returned writer. Write EntityWatchEvent, an Exception
    /// (thrown by the watch), or complete the writer (watch closed by the server).</summary>
    public ChannelWriter<object> NextWatch()
    {
        var channel = Channel.CreateUnbounded<object>();
        _watches.Writer.TryWrite(channel);
        return channel.Writer;
    }

    public Task<EntityListResult<T>> ListAsync(string? @namespace, CancellationToken ct)
    {
        Interlocked.Increment(ref ListCalls);
        if (!_lists.TryDequeue(out var next))
        {
            return Task.FromException<EntityListResult<T>>(new InvalidOperationException("no list scripted"));
        }

        return FilterListsByNamespace && @namespace is not null
            ? Task.Run(() => next() is var list ? list with { Items = [.. _all.Where(i => i.Metadata.NamespaceProperty == @namespace)] } : list, ct)
            : Task.Run(next, ct);
    }

    public async IAsyncEnumerable<EntityWatchEvent<T>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken ct)
    {
        WatchCalls.Enqueue((@namespace, resourceVersion));
        var channel = await _watches.Reader.ReadAsync(ct);
        await foreach (var item in channel.Reader.ReadAllAsync(ct))
        {
            if (item is Exception ex)
            {
                throw ex;
            }

            yield return (EntityWatchEvent<T>)item;
        }
    }
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
