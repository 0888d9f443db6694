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
/// then those of an old template, then the newest), and replace those of an old template gradually, never making more
/// than <c>maxUnavailable</c> not Ready at a time. Claimed Sandboxes are not members: they are never touched.
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

        var create = replicas - members.Count;
        return new PoolPlan(create, Replace(maxUnavailable, members, create));
    }

    /// <summary>
    /// Old-template members to delete now (the next plan creates their replacements): those not Ready cost nothing, as
    /// they are unavailable already; Ready ones only while fewer than <paramref name="maxUnavailable"/> are unavailable,
    /// counting the Sandboxes still to be created.
    /// </summary>
    private static List<string> Replace(int maxUnavailable, IReadOnlyList<PoolMember> members, int creating)
    {
        var outdated = members.Where(m => !m.Current).ToList();
        if (outdated.Count == 0)
        {
            return [];
        }

        var notReady = outdated.Where(m => !m.Ready).Select(m => m.Name).ToList();
        var unavailable = members.Count(m => !m.Ready) + creating;
        var budget = Math.Max(0, maxUnavailable - unavailable);
        var ready = outdated.Where(m => m.Ready).OrderBy(m => m.Created).Take(budget).Select(m => m.Name);
        return [.. notReady, .. ready];
    }

    /// <summary>The pool's Ready condition: as many Ready members of the current template as replicas asks.</summary>
    public static bool IsReady(int replicas, IReadOnlyList<PoolMember> members) =>
        members.Count(m => m.Ready && m.Current) >= replicas;
}
