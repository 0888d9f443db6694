using ControllerRuntime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Hosting;

public static class Observability
{
    /// <summary>
    /// JSON logs carrying the reconcile's scope (namespace/name) and trace id; metrics scrapeable at /metrics;
    /// traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    /// </summary>
    public static void AddOperatorObservability(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OperatorTelemetry.Name).AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(OperatorTelemetry.Name);
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
    }

    /// <summary>/healthz (alive: leadership not lost), /readyz (caches synced, or standing by), /metrics.</summary>
    public static void MapOperatorEndpoints(this WebApplication app)
    {
        var health = app.Services.GetRequiredService<OperatorHealth>();
        // Observable gauges report from the moment they exist.
        app.Services.GetRequiredService<SandboxMetrics>();
        app.Services.GetRequiredService<ClaimMetrics>();
        app.MapGet("/healthz", () => health.IsLive ? Results.Ok("ok") : Results.StatusCode(503));
        app.MapGet("/readyz", () => health.IsReady ? Results.Ok("ok") : Results.StatusCode(503));
        app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
