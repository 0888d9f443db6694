using System.Diagnostics;
using System.Diagnostics.Metrics;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Northflank.Wire;

/// <summary>
/// Metrics and traces of the Northflank wire client (the budget's are <c>FlowControl.BudgetTelemetry</c>). Uses the operator-wide names (<see cref="Name"/>) for its
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

    /// <summary>northflank_throttled_total: 429 answers from Northflank.</summary>
    public static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "northflank_throttled_total", description: "Northflank answers of 429 Too Many Requests.");
}
