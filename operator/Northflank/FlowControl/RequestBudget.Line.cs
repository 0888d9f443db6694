namespace SandboxOperator.Northflank.FlowControl;

/// <summary>The line of callers put off: when each is told to come back, tenants in turn.</summary>
public sealed partial class RequestBudget
{
    /// <summary>
    /// When a caller put off now is served. A caller already in line keeps its place. A new one is placed as the budget's
    /// queue serves, tenants in turn: the k-th caller of its tenant in line comes after every other tenant's first k
    /// callers, so a namespace's one Sandbox is told "one request from now", not "after the 150 another namespace put in
    /// line first". Places are one request's time apart (at the rate the budget grants now); placing a caller before
    /// others moves the end of the line one request later, and those others, when they come back at the time they were
    /// told, find one more caller served before them, which their bounded wait absorbs. A caller for nobody in particular
    /// (see <see cref="BudgetCaller"/>) is told the estimate and takes no place.
    /// </summary>
    private DateTimeOffset PlaceInLine(DateTimeOffset now, DateTimeOffset estimate, string? caller, string? tenant)
    {
        if (caller is null)
        {
            return estimate;
        }

        foreach (var passed in inLine.Where(p => p.Value.At < now).Select(p => p.Key).ToList())
        {
            inLine.Remove(passed);
        }

        if (inLine.TryGetValue(caller, out var held) && held.At >= estimate)
        {
            return held.At;
        }

        inLine.Remove(caller);
        var interval = CurrentIntervalLocked(now);
        var ahead = AheadInLine(tenant);
        var servedAt = ahead >= inLine.Count
            ? Max(estimate, deferredUntil)
            : Max(estimate, inLine.Values.Min(p => p.At) + ahead * interval);
        deferredUntil = Max(servedAt, deferredUntil) + interval;
        inLine[caller] = (servedAt, tenant);
        return servedAt;
    }

    /// <summary>Callers in line that go before a new one of <paramref name="tenant"/>, in turns (see <see cref="FairQueue{T}.AheadOf"/>).</summary>
    private int AheadInLine(string? tenant)
    {
        var own = inLine.Values.Count(p => p.Tenant == tenant);
        return own + inLine.Values.Where(p => p.Tenant != tenant).GroupBy(p => p.Tenant).Sum(g => Math.Min(g.Count(), own + 1));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
