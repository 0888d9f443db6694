namespace SandboxOperator.Northflank;

/// <summary>
/// Who the calls of the current async flow are made for (a Sandbox), so that a token's budget gives a caller it puts
/// off one place in line however often that caller asks again before its time (another event may wake it early);
/// without it, each early ask would push everyone after it one more request back. Calls made for nobody in particular
/// (a progress-watch list, a config check) come back on their own schedule and take no place in line.
/// </summary>
public static class BudgetCaller
{
    private static readonly AsyncLocal<string?> Caller = new();

    /// <summary>The caller of the current flow, if one was named.</summary>
    public static string? Current => Caller.Value;

    /// <summary>Names the caller for the calls made until the returned scope is disposed (in this async flow).</summary>
    public static IDisposable Is(string caller)
    {
        var previous = Caller.Value;
        Caller.Value = caller;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => Caller.Value = previous;
    }
}
