namespace SandboxOperator.Northflank.FlowControl;

/// <summary>
/// Who the calls of the current async flow are made for (a Sandbox), and for which tenant (its namespace).
/// <para>
/// The caller: a token's budget gives a caller it puts off one place in line however often that caller asks again
/// before its time (another event may wake it early); without it, each early ask would push everyone after it one more
/// request back. The tenant: the budget serves the tenants of one token in turn (see <see cref="FairQueue{T}"/>), so a
/// namespace bursting on a shared <c>ClusterNorthflankConfig</c> cannot make another namespace's Sandbox wait behind all
/// of its calls. Calls made for nobody in particular (a progress-watch list, a config check) come back on their own
/// schedule, take no place in line, and take turns as a tenant of their own.
/// </para>
/// </summary>
public static class BudgetCaller
{
    private static readonly AsyncLocal<Flow?> Caller = new();

    /// <summary>The caller of the current flow, if one was named.</summary>
    public static string? Current => Caller.Value?.Caller;

    /// <summary>The tenant of the current flow, if one was named.</summary>
    public static string? Tenant => Caller.Value?.Tenant;

    /// <summary>Names the caller (of no tenant) for the calls made until the returned scope is disposed (in this async flow).</summary>
    public static IDisposable Is(string caller) => Is(caller, tenant: null);

    /// <summary>Names the caller and its tenant for the calls made until the returned scope is disposed (in this async flow).</summary>
    public static IDisposable Is(string caller, string? tenant)
    {
        var previous = Caller.Value;
        Caller.Value = new Flow(caller, tenant);
        return new Scope(previous);
    }

    private sealed record Flow(string Caller, string? Tenant);

    private sealed class Scope(Flow? previous) : IDisposable
    {
        public void Dispose() => Caller.Value = previous;
    }
}
