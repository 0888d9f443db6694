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
/// Synced=False and a slow retry; a throttled token (429, or its budget would make the reconcile wait) ends in
/// Ready=False Throttled and a requeue when the token will serve it; outages (5xx, timeouts) are thrown for the work
/// queue's backoff, and the token's circuit wakes the Sandbox as soon as Northflank answers again. A reconcile holds
/// one of its token's worker slots (<see cref="TokenLanes"/>). Returns when to look again (null: only when something changes).
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
        TokenUse use;
        NorthflankToken token;
        try
        {
            var resolved = await inputs.ResolveAsync(sandbox, ct);
            credentials.Remember(sandbox, resolved.Token);
            desired = DesiredState.Build(sandbox, resolved, options.ClusterId, now);
            token = resolved.Token;
            use = northflank.Use(SandboxKey.Of(sandbox), token);
            orphans.Track(resolved.Access!, token, desired.ProjectId, use.Api);
        }
        catch (InvalidInputException e)
        {
            return await RejectAsync(sandbox, e.Reason, e.Message, ct);
        }

        if (!use.TryEnter(SandboxKey.Caller(sandbox)))
        {
            // The token holds its share of the workers: parked and woken when it has room; this requeue only if the wake is lost.
            return options.ProgressFallbackInterval;
        }

        try
        {
            // Put off by the token's budget, this Sandbox keeps its place in line however often it is woken meanwhile.
            using var caller = BudgetCaller.Is(SandboxKey.Of(sandbox));
            return await ApplyOnTokenAsync(sandbox, desired, use, token, now, ct);
        }
        finally
        {
            use.Exit();
        }
    }

    /// <summary>Applies the spec within the token's slot, turning Northflank's failures into status and requeues.</summary>
    private async Task<TimeSpan?> ApplyOnTokenAsync(Sandbox sandbox, DesiredState desired, TokenUse use, NorthflankToken token, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            return await ApplyAsync(sandbox, desired, use.Api, token, now, ct);
        }
        catch (InvalidInputException e)
        {
            return await RejectAsync(sandbox, e.Reason, e.Message, ct);
        }
        catch (NorthflankApiException e) when (e.IsThrottled)
        {
            return await DeferAsync(sandbox, use.Fingerprint, e, ct);
        }
        catch (NorthflankApiException e) when (!e.IsTransient)
        {
            var reason = e.Status is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden ? SyncedReasons.Unauthorized : SyncedReasons.NorthflankRejected;
            return await RejectAsync(sandbox, reason, $"Northflank answered {(int?)e.Status}: {e.Message}", ct);
        }
        catch (NorthflankApiException e)
        {
            // Woken the moment Northflank answers the token again; the work queue's backoff is only the fallback.
            var woken = use.WakeOnRecovery(SandboxKey.Caller(sandbox));
            await ReportTransientAsync(sandbox, e, woken, ct);
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

    /// <summary>
    /// The token cannot serve this Sandbox before <see cref="NorthflankApiException.ServedAt"/> (Northflank's 429, or its
    /// budget would make it wait too long): Ready=False Throttled says so and when, unless it is Ready for this generation
    /// (a settled Sandbox's look can wait quietly), and the Sandbox comes back then, holding no worker meanwhile.
    /// </summary>
    private async Task<TimeSpan?> DeferAsync(Sandbox sandbox, string fingerprint, NorthflankApiException throttled, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var servedAt = throttled.ServedAt ?? now;
        var at = servedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var why = throttled.ErrorId == NorthflankApiException.DeferredErrorId ? throttled.Message : $"Northflank answered 429 ({throttled.Message.TrimEnd('.')})";
        var message = $"waiting for Northflank token {fingerprint}: {why}; served at {at}";
        logger.LogInformation("Sandbox {Namespace}/{Name} throttled: {Message}", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, message);
        var ready = Conditions.Find(sandbox.Status?.Conditions, ConditionTypes.Ready);
        if (ready is not { Status: "True" } || ready.ObservedGeneration != sandbox.Metadata.Generation)
        {
            var status = CopyStatus(sandbox.Status);
            var verdict = ConditionVerdict.False(ReadyReasons.Throttled, message);
            status.Conditions = Conditions.With(status.Conditions, ConditionTypes.Ready, verdict, sandbox.Metadata.Generation, now);
            await WriteStatusAsync(sandbox, status, ct);
            SandboxTelemetry.Record(SandboxKey.Of(sandbox), ReadyReasons.Throttled);
        }

        return servedAt > now ? servedAt - now : TimeSpan.Zero;
    }

    /// <summary>Northflank is unavailable: say so in Synced, and whether the Sandbox waits for the token's circuit or its own backoff.</summary>
    private async Task ReportTransientAsync(Sandbox sandbox, NorthflankApiException error, bool woken, CancellationToken ct)
    {
        logger.LogInformation("Sandbox {Namespace}/{Name}: Northflank transient failure {Status}; backing off", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, (int?)error.Status);
        var status = CopyStatus(sandbox.Status);
        var retry = woken ? "retrying as soon as Northflank answers the token again" : "retrying with backoff";
        var verdict = ConditionVerdict.False(SyncedReasons.NorthflankUnavailable, $"Northflank did not answer ({(error.Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response")}): {retry}");
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
        northflank.Release(SandboxKey.Of(sandbox));
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
