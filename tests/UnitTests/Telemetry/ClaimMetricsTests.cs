using System.Diagnostics.Metrics;
using SandboxOperator.Telemetry;

namespace UnitTests.Telemetry;

/// <summary>The claim counter and histogram move, and the pool gauge reports each pool's ready and total replicas.</summary>
[TestFixture]
public sealed class ClaimMetricsTests
{
    [Test]
    public void Claims_and_their_ready_times_are_counted_by_launch_type()
    {
        using var metrics = new ClaimMetrics(() => []);
        var counted = new List<(string Name, double Value, string? LaunchType)>();
        using var listener = Listen(counted);

        metrics.Claimed("warm");
        metrics.Claimed("warm");
        metrics.Claimed("cold");
        metrics.ClaimReady("warm", TimeSpan.FromMilliseconds(400));
        metrics.ClaimReady("cold", TimeSpan.FromSeconds(12));

        Assert.Multiple(() =>
        {
            Assert.That(counted.Where(c => c.Name == ClaimMetrics.ClaimsName).GroupBy(c => c.LaunchType).ToDictionary(g => g.Key!, g => g.Sum(c => c.Value)),
                Is.EquivalentTo(new Dictionary<string, double> { ["warm"] = 2, ["cold"] = 1 }));
            Assert.That(counted.Where(c => c.Name == ClaimMetrics.ClaimReadyName).Select(c => (c.LaunchType, c.Value)),
                Is.EqualTo(new[] { ((string?)"warm", 0.4), ("cold", 12.0) }));
        });
    }

    [Test]
    public void The_pool_gauge_reports_ready_and_total_per_pool()
    {
        using var metrics = new ClaimMetrics(() => [new PoolReplicas("ns/running", 3, 4), new PoolReplicas("ns/paused", 2, 2)]);
        var seen = new List<(string Pool, string State, int Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OperatorTelemetry.Name && instrument.Name == ClaimMetrics.PoolReplicasName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
            seen.Add((Tag(tags, "pool")!, Tag(tags, "state")!, value)));
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.That(seen, Is.EquivalentTo(new[] { ("ns/running", "ready", 3), ("ns/running", "total", 4), ("ns/paused", "ready", 2), ("ns/paused", "total", 2) }));
    }

    private static MeterListener Listen(List<(string Name, double Value, string? LaunchType)> counted)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OperatorTelemetry.Name && instrument.Name is ClaimMetrics.ClaimsName or ClaimMetrics.ClaimReadyName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => counted.Add((instrument.Name, value, Tag(tags, "launch_type"))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => counted.Add((instrument.Name, value, Tag(tags, "launch_type"))));
        listener.Start();
        return listener;
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
