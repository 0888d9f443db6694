using k8s.LeaderElection;

namespace ControllerRuntime;

/// <summary>
/// The elector's lock (a LeaseLock), reporting each successful create or update of the Lease to the
/// <see cref="LeaseFence"/>: KubernetesClient's LeaderElector has no event for a renewal. The elector only ever
/// writes a record that names this replica as holder, and the write is conditional on the resourceVersion it read,
/// so a success means this replica held the Lease as of the moment the request was sent. That moment, taken before
/// sending, is what the fence counts from: it is no later than when anyone else could see the renewal.
/// </summary>
public sealed class FencingLock(ILock inner, LeaseFence fence, TimeProvider? time = null) : ILock
{
    private readonly TimeProvider time = time ?? TimeProvider.System;

    public string Identity => inner.Identity;

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) => inner.GetAsync(cancellationToken);

    public async Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        var sentAt = time.GetTimestamp();
        var created = await inner.CreateAsync(record, cancellationToken);
        if (created)
        {
            fence.Renewed(sentAt);
        }

        return created;
    }

    public async Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        var sentAt = time.GetTimestamp();
        var updated = await inner.UpdateAsync(record, cancellationToken);
        if (updated)
        {
            fence.Renewed(sentAt);
        }

        return updated;
    }

    public string Describe() => inner.Describe();
}
