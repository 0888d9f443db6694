using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ControllerRuntime;

/// <summary>
/// Metrics and traces of the controller runtime: Meter and ActivitySource both named <see cref="Name"/>, which the
/// host chooses (<see cref="OperatorRuntimeOptions.TelemetryName"/>; <see cref="DefaultName"/> when it does not), so
/// an operator can export the runtime's instruments under its own name, next to its own.
/// <list type="bullet">
/// <item><c>operator_reconciles_total{controller,result}</c>, result = success | requeue | error</item>
/// <item><c>operator_reconcile_duration_seconds{controller}</c></item>
/// <item><c>operator_workqueue_depth{controller}</c> (observable gauge)</item>
/// <item><c>operator_workqueue_wait_seconds{controller}</c></item>
/// <item>one <c>reconcile</c> span per reconcile, tagged k8s.namespace, k8s.name, controller</item>
/// </list>
/// </summary>
public sealed class ControllerTelemetry : IDisposable
{
    /// <summary>The name of the Meter and ActivitySource when the host chooses none.</summary>
    public const string DefaultName = "ControllerRuntime";

    public const string ResultSuccess = "success";
    public const string ResultRequeue = "requeue";
    public const string ResultError = "error";

    private readonly Meter meter;
    private readonly Counter<long> reconciles;
    private readonly Histogram<double> reconcileDuration;
    private readonly Histogram<double> queueWait;
    private readonly ConcurrentDictionary<long, (string Controller, Func<int> Depth)> queues = new();
    private long nextQueueId;

    /// <param name="name">Of the Meter and the ActivitySource.</param>
    public ControllerTelemetry(string name = DefaultName, IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        ActivitySource = new ActivitySource(name);
        meter = meterFactory?.Create(name) ?? new Meter(name);
        reconciles = meter.CreateCounter<long>("operator_reconciles_total", description: "Reconciles by controller and result.");
        reconcileDuration = meter.CreateHistogram<double>(
            "operator_reconcile_duration_seconds",
            unit: "s",
            description: "Duration of one reconcile.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        queueWait = meter.CreateHistogram<double>(
            "operator_workqueue_wait_seconds",
            unit: "s",
            description: "Time an item waited in the work queue before a worker took it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 60, 300] });
        meter.CreateObservableGauge("operator_workqueue_depth", ObserveDepth, description: "Items waiting in the work queue.");
    }

    /// <summary>The process-wide instance (named <see cref="DefaultName"/>) used when none is injected.</summary>
    public static ControllerTelemetry Shared { get; } = new();

    public string Name { get; }

    public ActivitySource ActivitySource { get; }

    public Meter Meter => meter;

    public Activity? StartReconcile(string controller, string? @namespace, string name)
    {
        var activity = ActivitySource.StartActivity("reconcile", ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("controller", controller);
            activity.SetTag("k8s.namespace", @namespace);
            activity.SetTag("k8s.name", name);
        }

        return activity;
    }

    public void RecordReconcile(string controller, string result, TimeSpan duration)
    {
        var controllerTag = new KeyValuePair<string, object?>("controller", controller);
        reconciles.Add(1, controllerTag, new KeyValuePair<string, object?>("result", result));
        reconcileDuration.Record(duration.TotalSeconds, controllerTag);
    }

    public void RecordQueueWait(string controller, TimeSpan wait) =>
        queueWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("controller", controller));

    /// <summary>Registers a queue whose depth the gauge reports; dispose to unregister.</summary>
    public IDisposable RegisterQueue(string controller, Func<int> depth)
    {
        var id = Interlocked.Increment(ref nextQueueId);
        queues[id] = (controller, depth);
        return new Registration(() => queues.TryRemove(id, out _));
    }

    public void Dispose()
    {
        meter.Dispose();
        ActivitySource.Dispose();
    }

    private IEnumerable<Measurement<int>> ObserveDepth()
    {
        foreach (var (controller, depth) in queues.Values)
        {
            yield return new Measurement<int>(depth(), new KeyValuePair<string, object?>("controller", controller));
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        private Action? dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref dispose, null)?.Invoke();
    }
}
