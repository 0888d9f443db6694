namespace SandboxOperator.Controllers.WarmPools;

/// <summary>An unclaimed Sandbox of a pool as the planner sees it.</summary>
/// <param name="Current">Made from the template's current spec.</param>
public sealed record PoolMember(string Name, bool Ready, bool Current, DateTimeOffset Created);

/// <summary>How many Sandboxes to create and which to delete.</summary>
public sealed record PoolPlan(int Create, IReadOnlyList<string> Delete)
{
    public static readonly PoolPlan Nothing = new(0, []);
}

/// <summary>
/// Every decision of a warm pool, pure: keep <c>replicas</c> unclaimed Sandboxes, delete extras (those not Ready first,
/// then those of an old template, then the newest), and replace those of an old template gradually. An unclaimed
/// Sandbox is never changed in place (<see cref="Templates.TemplatePin"/>): a rollout is deletes and creates, and while
/// one goes on (a member of an old template is left), the members not Ready never number more than
/// <c>maxUnavailable</c>, refills after claims included. Claimed Sandboxes are not members: they are never touched.
/// </summary>
public static class PoolPlanner
{
    public static PoolPlan Plan(int replicas, int maxUnavailable, IReadOnlyList<PoolMember> members)
    {
        if (members.Count > replicas)
        {
            var extras = members
                .OrderBy(m => m.Ready)
                .ThenBy(m => m.Current)
                .ThenByDescending(m => m.Created)
                .Take(members.Count - replicas)
                .Select(m => m.Name)
                .ToList();
            return new PoolPlan(0, extras);
        }

        var missing = replicas - members.Count;
        return members.Any(m => !m.Current) ? Roll(maxUnavailable, members, missing) : new PoolPlan(missing, []);
    }

    /// <summary>
    /// One step of a rollout: old-template members not Ready are replaced at once (they are unavailable already, and
    /// their replacements take their place in the count); then, while fewer than <paramref name="maxUnavailable"/> are
    /// not Ready, the pool refills what claims took, then replaces Ready old members, oldest first, each deleted as its
    /// replacement is created.
    /// </summary>
    private static PoolPlan Roll(int maxUnavailable, IReadOnlyList<PoolMember> members, int missing)
    {
        var stale = members.Where(m => !m.Current && !m.Ready).Select(m => m.Name).ToList();
        var room = Math.Max(0, maxUnavailable - members.Count(m => !m.Ready));
        var refill = Math.Min(missing, room);
        var retire = members.Where(m => !m.Current && m.Ready)
            .OrderBy(m => m.Created)
            .Take(room - refill)
            .Select(m => m.Name)
            .ToList();
        return new PoolPlan(stale.Count + refill + retire.Count, [.. stale, .. retire]);
    }

    /// <summary>The pool's Ready condition: as many Ready members of the current template as replicas asks.</summary>
    public static bool IsReady(int replicas, IReadOnlyList<PoolMember> members) =>
        members.Count(m => m.Ready && m.Current) >= replicas;
}
