using ControllerRuntime;
using k8s;
using k8s.Models;

namespace SandboxOperator.Controllers.Common.Setup;

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
}
