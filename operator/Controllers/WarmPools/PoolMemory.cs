using System.Collections.Concurrent;

namespace SandboxOperator.Controllers.WarmPools;

/// <summary>
/// What a pool did that its cache may not show yet (ReplicaSet's expectations): Sandboxes it created and deleted in the
/// last seconds. Without it, a reconcile right after a create would see too few Sandboxes and create more. Also when
/// claims last took from it, so that its refill waits for a burst of claims to pass.
/// </summary>
public sealed class PoolMemory(TimeProvider time)
{
    /// <summary>After this long, the cache is believed whatever it shows.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A refill waits until no claim has taken from the pool for this long: refill creates and binds compete for the same
    /// API server, and a claim waits on its bind while a pooled Sandbox takes Northflank far longer than this to be Ready.
    /// </summary>
    public static readonly TimeSpan RefillQuiet = TimeSpan.FromSeconds(1);

    /// <summary>However long claims keep coming, the refill waits no longer than this after the first one it waits for.</summary>
    public static readonly TimeSpan RefillMaxDelay = TimeSpan.FromSeconds(5);

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

    /// <summary>A claim took one of the pool's Sandboxes.</summary>
    public void Taken(string poolUid)
    {
        var expectations = For(poolUid);
        lock (expectations)
        {
            var now = time.GetUtcNow();
            expectations.LastTaken = now;
            expectations.RefillWaitingSince ??= now;
        }
    }

    /// <summary>How much longer the pool's refill waits for claims to pass; null when it may go now.</summary>
    public TimeSpan? RefillDelay(string poolUid)
    {
        var expectations = For(poolUid);
        lock (expectations)
        {
            if (expectations is not { LastTaken: { } last, RefillWaitingSince: { } since })
            {
                return null;
            }

            var now = time.GetUtcNow();
            var at = Min(last + RefillQuiet, since + RefillMaxDelay);
            if (at <= now)
            {
                expectations.RefillWaitingSince = null;
                return null;
            }

            return at - now;
        }
    }

    public void Forget(string poolUid) => pools.TryRemove(poolUid, out _);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private Expectations For(string poolUid) => pools.GetOrAdd(poolUid, _ => new Expectations());

    private sealed class Expectations
    {
        public ConcurrentDictionary<string, DateTimeOffset> Created { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, DateTimeOffset> Deleted { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? LastTaken { get; set; }

        public DateTimeOffset? RefillWaitingSince { get; set; }
    }
}
