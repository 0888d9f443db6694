using System.Net;
using ControllerRuntime;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Hosting;

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

    public async Task DeleteAsync(Sandbox sandbox, CancellationToken ct)
    {
        fence.ThrowIfLost();
        try
        {
            await kubernetes.CustomObjects.DeleteNamespacedCustomObjectAsync(
                Sandbox.Group, Sandbox.Version, sandbox.Metadata.NamespaceProperty, Sandbox.Plural, sandbox.Metadata.Name,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = sandbox.Metadata.Uid } }, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone already, or a Sandbox of the same name that is another object: not ours to delete.
        }
    }

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

/// <summary>A kind's status writes (conditional on the resourceVersion read) and Events, over the runtime's client and recorder.</summary>
public sealed class StatusWriter<TEntity, TStatus>(IEntityClient<TEntity> client, IEventRecorder recorder) : IStatusWriter<TEntity, TStatus>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    public Task WriteStatusAsync(TEntity entity, TStatus status, CancellationToken ct) => client.ReplaceStatusAsync(entity.Metadata, status, ct);

    public void Record(TEntity entity, bool warning, string reason, string message) =>
        _ = recorder.RecordAsync(entity, warning ? EventType.Warning : EventType.Normal, reason, message).ContinueWith(
            _ => { }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}

/// <summary>
/// Wakes a controller from another kind's cache changes (that kind's one watch, shared): each change is mapped
/// to the keys it concerns, before and after the change (a Sandbox a claim took concerns its old pool too). Changes
/// <c>when</c> refuses are not mapped.
/// </summary>
public sealed class CacheSource<T> : IKeySource
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly System.Threading.Channels.Channel<ObjectKey> keys = System.Threading.Channels.Channel.CreateUnbounded<ObjectKey>();

    public CacheSource(InformerCache<T> cache, Func<T, IEnumerable<ObjectKey>> map, Func<InformerEvent<T>, bool>? when = null) =>
        cache.OnChange(ev =>
        {
            if (when is not null && !when(ev))
            {
                return;
            }

            foreach (var key in map(ev.Object).Concat(ev.OldObject is { } old ? map(old) : []).Distinct())
            {
                keys.Writer.TryWrite(key);
            }
        });

    public async Task RunAsync(Action<ObjectKey> enqueue, CancellationToken ct)
    {
        await foreach (var key in keys.Reader.ReadAllAsync(ct))
        {
            enqueue(key);
        }
    }

    /// <summary>Adds, deletes and updates that change the spec (generation) or metadata: not status writes.</summary>
    public static bool SpecOrMetadataChanged(InformerEvent<T> ev) =>
        ev.Type != InformerEventType.Updated || ev.OldObject is not { } old || Predicates.GenerationOrMetadataChanged(old, ev.Object);

    /// <summary>The Sandbox's controlling owner, when it is of <paramref name="kind"/>.</summary>
    public static IEnumerable<ObjectKey> Owner(Sandbox sandbox, string kind) =>
        (sandbox.Metadata.OwnerReferences ?? [])
            .Where(o => o.Controller == true && o.Kind == kind)
            .Select(o => new ObjectKey(sandbox.Metadata.NamespaceProperty, o.Name));
}
