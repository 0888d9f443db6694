using System.Text.Json;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Northflank;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// One reconcile of a Sandbox, Crossplane-style: resolve inputs, observe Northflank, plan, execute, and write what
/// was seen into status. Problems only a change can fix (bad spec, missing Secret, Northflank 4xx) end in
/// Synced=False and a slow retry; transient ones (5xx, timeouts, 429) are thrown for the work queue's backoff.
/// Returns when to look again (null: only when something changes).
/// </summary>
public sealed class SandboxReconciler(
    INorthflankApiFactory northflank,
    InputResolver inputs,
    CredentialMemory credentials,
    NorthflankObserver observer,
    OrphanCollector orphans,
    ISandboxStatusWriter statusWriter,
    ISandboxEventSink events,
    ReconcilerOptions options,
    TimeProvider time,
    ILogger<SandboxReconciler> logger)
{
    private readonly ActionExecutor executor = new(options.ClusterId, time);
    private readonly DeploymentDetails details = new();

    // Status written but perhaps not yet back through the watch.
    private readonly StatusMemory written = new();

    public async Task<TimeSpan?> ReconcileAsync(Sandbox sandbox, CancellationToken ct)
    {
        sandbox = written.Newest(sandbox);
        var now = time.GetUtcNow();
        var problems = SpecValidator.Validate(sandbox);
        if (problems.Count > 0)
        {
            return await RejectAsync(sandbox, SyncedReasons.InvalidSpec, string.Join("; ", problems), ct);
        }

        DesiredState desired;
        INorthflankApi api;
        NorthflankToken token;
        try
        {
            var resolved = await inputs.ResolveAsync(sandbox, ct);
            credentials.Remember(sandbox, resolved.Token);
            desired = DesiredState.Build(sandbox, resolved, options.ClusterId, now);
            token = resolved.Token;
            api = northflank.ForToken(token);
            orphans.Track(resolved.Access!, token, desired.ProjectId, api);
        }
        catch (InvalidInputException e)
        {
            return await RejectAsync(sandbox, e.Reason, e.Message, ct);
        }

        try
        {
            return await ApplyAsync(sandbox, desired, api, token, now, ct);
        }
        catch (InvalidInputException e)
        {
            return await RejectAsync(sandbox, e.Reason, e.Message, ct);
        }
        catch (NorthflankApiException e) when (!e.IsTransient)
        {
            var reason = e.Status is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden ? SyncedReasons.Unauthorized : SyncedReasons.NorthflankRejected;
            return await RejectAsync(sandbox, reason, $"Northflank answered {(int?)e.Status}: {e.Message}", ct);
        }
        catch (NorthflankApiException e)
        {
            await ReportTransientAsync(sandbox, e, ct);
            throw;
        }
    }

    private async Task<TimeSpan?> ApplyAsync(Sandbox sandbox, DesiredState desired, INorthflankApi api, NorthflankToken token, DateTimeOffset now, CancellationToken ct)
    {
        var observed = await observer.ObserveAsync(api, token, sandbox, desired, ct);
        var plan = SandboxPlanner.Plan(sandbox, desired, observed, options.ClusterId);
        if (plan.Refusal is { } refusal)
        {
            return await RejectAsync(sandbox, refusal.Reason, refusal.Message, ct);
        }

        if (plan.Actions is [DeleteExpiredSandbox expiry])
        {
            var message = $"shutdown time {desired.ExpiresAt:O} reached at {now:O}; deleting the Sandbox (shutdownPolicy Delete)";
            logger.LogInformation("Sandbox {Namespace}/{Name}: {Action}", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, message);
            events.Normal(sandbox, expiry.EventReason, message);
            await statusWriter.DeleteSandboxAsync(sandbox, ct);
            return null;
        }

        observed = await executor.ExecuteAsync(api, sandbox, desired, observed, plan.Actions, ct);
        if (plan.Actions.Count > 0)
        {
            observer.RecordWrite(sandbox);
        }

        foreach (var action in plan.Actions)
        {
            var description = Describe(action, desired);
            logger.LogInformation("Sandbox {Namespace}/{Name}: {Action}", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, description);
            events.Normal(sandbox, action.EventReason, description);
        }

        observed = await details.WithUrlsAsync(api, sandbox, desired, observed, wrote: plan.Actions.Count > 0, ct);
        var failure = await details.ExplainFailureAsync(api, sandbox, desired, observed.Service, ct);
        var ready = Readiness.Evaluate(desired, observed.Service, plan.Actions, failure);
        var previousReady = Conditions.Find(sandbox.Status?.Conditions, ConditionTypes.Ready);
        if (ready.Reason == ReadyReasons.DeploymentFailed && previousReady?.Reason != ReadyReasons.DeploymentFailed)
        {
            events.Warning(sandbox, ReadyReasons.DeploymentFailed, ready.Message);
        }
        else if (ready.IsTrue && previousReady?.Status != "True")
        {
            events.Normal(sandbox, ready.Reason, ready.Message);
        }

        var status = BuildStatus(sandbox, desired, observed, ready, now);
        await WriteStatusAsync(sandbox, status, ct);
        SandboxTelemetry.Record(SandboxKey.Of(sandbox), ready.Reason);
        return observer.ScheduleNextLook(sandbox, api, token, desired, observed.Service, wrote: plan.Actions.Count > 0, ready, status, now);
    }

    private static SandboxStatus BuildStatus(Sandbox sandbox, DesiredState desired, Observation observed, ConditionVerdict ready, DateTimeOffset now)
    {
        var generation = sandbox.Metadata.Generation;
        var conditions = Conditions.With(sandbox.Status?.Conditions, ConditionTypes.Ready, ready, generation, now);
        conditions = Conditions.With(conditions, ConditionTypes.Synced, ConditionVerdict.True(SyncedReasons.Synced, "spec applied to Northflank"), generation, now);
        // A look through the project's list carries no ports: the endpoints stay as the last whole look saw them.
        var ports = observed.Service?.Ports;
        var endpoints = ports is null ? sandbox.Status?.Endpoints?.ToList() ?? [] : Endpoints.From(sandbox.Spec, ports);
        var service = observed.Service;
        return new SandboxStatus
        {
            ObservedGeneration = generation,
            Conditions = conditions,
            ProjectId = desired.ProjectId,
            ServiceId = service?.Id,
            VolumeId = observed.Volume?.Id,
            DeploymentStatus = service?.Status?.Deployment?.Status,
            OperatingMode = service is null ? null : service.ServicePaused == true ? OperatingModes.Paused : OperatingModes.Running,
            LastDriftCheck = observed.Full ? now : sandbox.Status?.LastDriftCheck,
            Endpoints = endpoints.Count == 0 ? null : endpoints,
            Url = endpoints.FirstOrDefault(e => e.Url is not null)?.Url,
            ExpiresAt = desired.ExpiresAt,
            AppliedSpecHash = desired.SpecHash,
        };
    }

    /// <summary>Synced=False with the cause, a Warning event, and a slow retry: only a change can fix this.</summary>
    private async Task<TimeSpan?> RejectAsync(Sandbox sandbox, string reason, string message, CancellationToken ct)
    {
        observer.StopWatching(sandbox);
        logger.LogWarning("Sandbox {Namespace}/{Name} not synced: {Reason}: {Message}", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, reason, message);
        events.Warning(sandbox, reason, message);
        var status = CopyStatus(sandbox.Status);
        var generation = sandbox.Metadata.Generation;
        var now = time.GetUtcNow();
        var verdict = ConditionVerdict.False(reason, message);
        status.Conditions = Conditions.With(Conditions.With(status.Conditions, ConditionTypes.Ready, verdict, generation, now), ConditionTypes.Synced, verdict, generation, now);
        status.ObservedGeneration = generation;
        await WriteStatusAsync(sandbox, status, ct);
        SandboxTelemetry.Record(SandboxKey.Of(sandbox), reason);
        return options.InvalidInputRetryInterval;
    }

    /// <summary>Northflank is unavailable: say so in Synced, except for throttling, which the budget absorbs.</summary>
    private async Task ReportTransientAsync(Sandbox sandbox, NorthflankApiException error, CancellationToken ct)
    {
        logger.LogInformation("Sandbox {Namespace}/{Name}: Northflank transient failure {Status}; backing off", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, (int?)error.Status);
        if (error.Status == System.Net.HttpStatusCode.TooManyRequests)
        {
            return;
        }

        var status = CopyStatus(sandbox.Status);
        var verdict = ConditionVerdict.False(SyncedReasons.NorthflankUnavailable, $"Northflank did not answer ({(error.Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response")}): retrying with backoff");
        status.Conditions = Conditions.With(status.Conditions, ConditionTypes.Synced, verdict, sandbox.Metadata.Generation, time.GetUtcNow());
        try
        {
            await WriteStatusAsync(sandbox, status, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug("status write after a transient failure failed: {Type}", e.GetType().Name);
        }
    }

    /// <summary>
    /// Writes status conditional on the resourceVersion the reconcile read (a conflict is thrown for a retry on fresh
    /// data, never overwritten), and remembers it until the watch brings it back (see <see cref="StatusMemory"/>).
    /// </summary>
    private async Task WriteStatusAsync(Sandbox sandbox, SandboxStatus status, CancellationToken ct)
    {
        if (Same(sandbox.Status, status))
        {
            return;
        }

        var version = await statusWriter.WriteStatusAsync(sandbox, status, ct);
        written.Remember(sandbox, version, status);
    }

    /// <summary>Drops what is remembered of a Sandbox that is gone from the cluster.</summary>
    public void Forget(Sandbox sandbox)
    {
        written.Forget(sandbox);
        credentials.Forget(sandbox);
        observer.Forget(sandbox);
        details.Forget(sandbox);
        SandboxTelemetry.Forget(SandboxKey.Of(sandbox));
    }

    private static bool Same(SandboxStatus? a, SandboxStatus? b)
    {
        static string Canonical(SandboxStatus? s) => s is null ? "" : JsonSerializer.Serialize(s);
        return Canonical(a) == Canonical(b);
    }

    private static SandboxStatus CopyStatus(SandboxStatus? status) =>
        status is null ? new SandboxStatus() : JsonSerializer.Deserialize<SandboxStatus>(JsonSerializer.Serialize(status))!;

    private static string Describe(NorthflankAction action, DesiredState desired) => action switch
    {
        ApplyService { Create: true } => $"created Northflank service {desired.ServiceName} in project {desired.ProjectId}",
        ApplyService update => $"updated Northflank service {desired.ServiceName}: {update.Why}",
        CreateVolume => $"created volume {desired.Volume?.Name}",
        PauseService => $"paused service {desired.ServiceName}",
        ResumeService => $"resumed service {desired.ServiceName}",
        _ => action.EventReason,
    };
}
