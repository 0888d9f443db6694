using System.Collections.Concurrent;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// What the operator remembers per Sandbox (<see cref="SandboxRecord"/>), by uid, so a Sandbox deleted and created
/// again under its name starts afresh. Dropped in one place, <see cref="Forget"/>, when the Sandbox is gone, together
/// with its hold on its token.
/// </summary>
public sealed class SandboxMemory(INorthflankApiFactory northflank)
{
    private readonly ConcurrentDictionary<string, SandboxRecord> records = new();

    public SandboxRecord For(Sandbox sandbox) => records.GetOrAdd(SandboxKey.Of(sandbox), key => new SandboxRecord(key));

    public int Count => records.Count;

    /// <summary>The Sandboxes waiting for the progress watch, with what they wait for.</summary>
    public IEnumerable<(SandboxRecord Record, ProgressWaiter Waiter)> Waiting() =>
        records.Values.Select(r => (r, r.Waiter)).Where(p => p.Waiter is not null).Select(p => (p.r, p.Waiter!));

    /// <summary>The Ready reason each Sandbox last wrote (for the sandboxes gauge).</summary>
    public IEnumerable<string> ReadyReasons() => records.Values.Select(r => r.ReadyReason).OfType<string>();

    public void Forget(Sandbox sandbox)
    {
        var key = SandboxKey.Of(sandbox);
        records.TryRemove(key, out _);
        northflank.Release(key);
    }
}
