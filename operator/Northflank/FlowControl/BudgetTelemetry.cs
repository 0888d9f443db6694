using System.Diagnostics.Metrics;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Northflank.FlowControl;

/// <summary>Metrics of the tokens' budgets, on the Northflank client's meter (<see cref="NorthflankTelemetry.Meter"/>).</summary>
public static class BudgetTelemetry
{
    /// <summary>northflank_budget_wait_seconds{priority}: how long a request waited for its token's budget.</summary>
    public static readonly Histogram<double> BudgetWait = NorthflankTelemetry.Meter.CreateHistogram<double>(
        "northflank_budget_wait_seconds", unit: "s", description: "Time a request waited for the API token's request budget.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = NorthflankTelemetry.SecondsBuckets });

    /// <summary>Name of the gauge each <c>NorthflankApiFactory</c> keeps over its live tokens' budgets.</summary>
    public const string BudgetRemainingName = "northflank_budget_remaining";

    internal static string PriorityTag(RequestPriority priority) => priority switch
    {
        RequestPriority.Confirm => "confirm",
        RequestPriority.Write => "write",
        RequestPriority.Observe => "observe",
        RequestPriority.Background => "background",
        _ => "unknown",
    };
}
