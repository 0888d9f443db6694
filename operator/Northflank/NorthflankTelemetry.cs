using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

using SandboxOperator.Telemetry;

namespace SandboxOperator.Northflank;

/// <summary>
/// Metrics and traces of the Northflank client. Uses the operator-wide names (<see cref="Name"/>) for its
/// <see cref="Meter"/> and <see cref="ActivitySource"/>, so an exporter subscribed to "SandboxOperator" sees these
/// next to the controller's. Tags carry route templates and token fingerprints only, never ids or secrets.
/// </summary>
public static class NorthflankTelemetry
{
    public const string Name = OperatorTelemetry.Name;

    public const string RequestActivityName = "northflank.request";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>northflank_requests_total{endpoint,method,status}; status is the HTTP code, or "timeout" / "error" when no answer came.</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "northflank_requests_total", description: "Northflank API requests sent, by route template, method and outcome.");

    /// <summary>northflank_request_duration_seconds{endpoint}: one HTTP attempt, without the budget wait.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "northflank_request_duration_seconds", unit: "s", description: "Duration of one Northflank API request.");

    /// <summary>northflank_budget_wait_seconds{priority}: how long a request waited for its token's budget.</summary>
    public static readonly Histogram<double> BudgetWait = Meter.CreateHistogram<double>(
        "northflank_budget_wait_seconds", unit: "s", description: "Time a request waited for the API token's request budget.");

    /// <summary>northflank_throttled_total: 429 answers from Northflank.</summary>
    public static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "northflank_throttled_total", description: "Northflank answers of 429 Too Many Requests.");

    private static readonly ConcurrentDictionary<RequestBudget, byte> Budgets = new();

    /// <summary>northflank_budget_remaining{token}: requests a token may send now, per live budget (token = fingerprint).</summary>
    public static readonly ObservableGauge<int> BudgetRemaining = Meter.CreateObservableGauge(
        "northflank_budget_remaining", ObserveBudgets, description: "Requests the API token's budget allows right now.");

    internal static void Track(RequestBudget budget) => Budgets.TryAdd(budget, 0);

    internal static void Untrack(RequestBudget budget) => Budgets.TryRemove(budget, out _);

    internal static string PriorityTag(RequestPriority priority) => priority switch
    {
        RequestPriority.Write => "write",
        RequestPriority.Observe => "observe",
        RequestPriority.Background => "background",
        _ => "unknown",
    };

    private static IEnumerable<Measurement<int>> ObserveBudgets()
    {
        foreach (var budget in Budgets.Keys)
        {
            yield return new Measurement<int>(budget.Remaining, new KeyValuePair<string, object?>("token", budget.Name));
        }
    }
}
