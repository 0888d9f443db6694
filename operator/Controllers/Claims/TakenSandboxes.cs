using System.Collections.Concurrent;

namespace SandboxOperator.Controllers.Claims;

/// <summary>
/// The pooled Sandboxes this operator's claims are binding or have just bound, so that claims reconciled at once try
/// different ones instead of all patching the first candidate and all but one getting a conflict (a burst of n claims
/// would cost n² patches). The optimistic lock still decides; this only spares the calls. A name is kept for
/// <see cref="Lifetime"/> after it was taken, by when the cache shows it claimed (or, after a conflict, shows why).
/// </summary>
public sealed class TakenSandboxes(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Namespace, string Name), DateTimeOffset> taken = new();

    /// <summary>True when no other claim is binding or has just bound the Sandbox: it is this caller's to try.</summary>
    public bool TryTake(string namespaceName, string name)
    {
        var now = time.GetUtcNow();
        foreach (var stale in taken.Where(t => now - t.Value >= Lifetime).ToList())
        {
            taken.TryRemove(stale);
        }

        return taken.TryAdd((namespaceName, name), now);
    }

    /// <summary>The bind did not happen (the Sandbox changed meanwhile): a claim with a fresher view may try it again.</summary>
    public void Give(string namespaceName, string name) => taken.TryRemove((namespaceName, name), out _);
}
