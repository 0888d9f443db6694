using System.Collections.Concurrent;

namespace SandboxOperator.Controllers.WarmPools;

/// <summary>
/// What a pool did that its cache may not show yet (ReplicaSet's expectations): Sandboxes it created and deleted in the
/// last seconds. Without it, a reconcile right after a create would see too few Sandboxes and create more.
/// </summary>
public sealed class PoolMemory(TimeProvider time)
{
    /// <summary>After this long, the cache is believed whatever it shows.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Expectations> pools = new(StringComparer.Ordinal);

    public void Created(string poolUid, string name) => For(poolUid).Created[name] = time.GetUtcNow();

    public void Deleted(string poolUid, string name) => For(poolUid).Deleted[name] = time.GetUtcNow();

    /// <summary>
    /// The members the cache shows, less those deleted meanwhile, plus those created and not shown yet (as not Ready,
    /// of the current template). An expectation the cache has caught up with, or too old, is dropped.
    /// </summary>
    public IReadOnlyList<PoolMember> Adjust(string poolUid, IReadOnlyList<PoolMember> cached)
    {
        var expectations = For(poolUid);
        var now = time.GetUtcNow();
        var shown = cached.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, at) in expectations.Created)
        {
            if (shown.Contains(name) || now - at > Patience)
            {
                expectations.Created.TryRemove(name, out _);
            }
        }

        foreach (var (name, at) in expectations.Deleted)
        {
            if (!shown.Contains(name) || now - at > Patience)
            {
                expectations.Deleted.TryRemove(name, out _);
            }
        }

        return
        [
            .. cached.Where(m => !expectations.Deleted.ContainsKey(m.Name)),
            .. expectations.Created.Keys.Select(name => new PoolMember(name, Ready: false, Current: true, now)),
        ];
    }

    public void Forget(string poolUid) => pools.TryRemove(poolUid, out _);

    private Expectations For(string poolUid) => pools.GetOrAdd(poolUid, _ => new Expectations());

    private sealed class Expectations
    {
        public ConcurrentDictionary<string, DateTimeOffset> Created { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, DateTimeOffset> Deleted { get; } = new(StringComparer.Ordinal);
    }
}
