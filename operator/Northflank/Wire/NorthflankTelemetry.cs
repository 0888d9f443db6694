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

    /// <summary>
    /// Bucket bounds of the client's histograms, in seconds: from a fast answer (5 ms) to a budget wait paced over much
    /// of the window (15 min). Without them the SDK's defaults (0 to 10 000, meant for milliseconds) put every request
    /// and every wait under 5 s into one bucket.
    /// </summary>
    public static readonly IReadOnlyList<double> SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

    /// <summary>northflank_request_duration_seconds{endpoint}: one HTTP attempt, without the budget wait.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "northflank_request_duration_seconds", unit: "s", description: "Duration of one Northflank API request.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>northflank_throttled_total: 429 answers from Northflank.</summary>
    public static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "northflank_throttled_total", description: "Northflank answers of 429 Too Many Requests.");
}
