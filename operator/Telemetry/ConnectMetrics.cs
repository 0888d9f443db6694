using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SandboxOperator.Telemetry;

/// <summary>
/// The connect API's audit in numbers and traces: connect_sessions_total{subresource, outcome} counts every exec and
/// log request by how it ended (started, or the refusal's reason), and each session is a span of its own.
/// </summary>
public sealed class ConnectMetrics : IDisposable
{
    public static readonly ActivitySource Source = new(OperatorTelemetry.Name);

    private readonly Meter meter = new(OperatorTelemetry.Name);
    private readonly Counter<long> sessions;

    public ConnectMetrics()
    {
        sessions = meter.CreateCounter<long>("connect_sessions_total", description: "Exec and log requests of the connect API, by subresource and outcome.");
    }

    public void Count(string subresource, string outcome) =>
        sessions.Add(1, new KeyValuePair<string, object?>("subresource", subresource), new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => meter.Dispose();
}
