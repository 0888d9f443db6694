using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using RestSharp;
using RestSharp.Authenticators;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Northflank;

/// <summary>
/// <see cref="INorthflankApi"/> over RestSharp for one API token. Every HTTP attempt (retries included) first takes a
/// request from the token's shared <see cref="RequestBudget"/>. Idempotent calls are retried on transient failures
/// (no answer, 408, 429, 5xx) with jittered exponential backoff; <see cref="CreateVolumeAsync"/> is never retried.
/// The token goes into the Authorization header and nowhere else: not into exceptions, logs, metrics or traces.
/// Every write (any request but a GET) first calls the write guard the host gives, immediately before it is sent
/// (after any wait for the budget), so a replica that is no longer allowed to write sends nothing.
/// </summary>
public sealed class NorthflankApiClient : INorthflankApi, IDisposable
{
    /// <summary>Route templates: the only form in which paths appear in logs, metrics and traces.</summary>
    public static class Routes
    {
        public const string Projects = "/v1/projects";
        public const string Services = "/v1/projects/{projectId}/services";
        public const string DeploymentService = "/v1/projects/{projectId}/services/deployment";
        public const string Service = "/v1/projects/{projectId}/services/{serviceId}";
        public const string PatchDeploymentService = "/v1/projects/{projectId}/services/deployment/{serviceId}";
        public const string Pause = "/v1/projects/{projectId}/services/{serviceId}/pause";
        public const string Resume = "/v1/projects/{projectId}/services/{serviceId}/resume";
        public const string Containers = "/v1/projects/{projectId}/services/{serviceId}/containers";
        public const string Volumes = "/v1/projects/{projectId}/volumes";
        public const string Volume = "/v1/projects/{projectId}/volumes/{volumeId}";
    }

    /// <summary>Northflank's maximum page size.</summary>
    public const int PageSize = 100;

    private const int MaxMessageLength = 500;

    private readonly RestClient rest;
    private readonly NorthflankClientOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly ResiliencePipeline retrying;
    private readonly Action? beforeWrite;

    /// <param name="token">The API token; only the Authorization header sees its value.</param>
    /// <param name="budget">The token's budget, shared with every other user of the token.</param>
    /// <param name="options">Base URL, timeout and retry settings; defaults when null.</param>
    /// <param name="logger">Debug line per request; never the token, never bodies.</param>
    /// <param name="timeProvider">Clock for timeouts, retry delays and durations; should be the budget's.</param>
    /// <param name="beforeWrite">Called just before each non-GET request goes out; throws to keep it from being sent
    /// (the host's leadership fence). Its exception reaches the caller as is and is never retried.</param>
    public NorthflankApiClient(
        NorthflankToken token,
        RequestBudget budget,
        NorthflankClientOptions? options = null,
        ILogger<NorthflankApiClient>? logger = null,
        TimeProvider? timeProvider = null,
        Action? beforeWrite = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(budget);
        this.options = options ?? new NorthflankClientOptions();
        this.options.Validate();
        Token = token;
        Budget = budget;
        this.logger = logger ?? NullLogger<NorthflankApiClient>.Instance;
        time = timeProvider ?? TimeProvider.System;
        this.beforeWrite = beforeWrite;

        rest = new RestClient(new RestClientOptions(this.options.BaseUrl)
        {
            Authenticator = new BearerTokenAuthenticator(token),
            ThrowOnAnyError = false,
            ThrowOnDeserializationError = false,
            // Our own timeout (on the TimeProvider) decides; RestSharp's only guards against a stuck connection.
            Timeout = this.options.RequestTimeout + TimeSpan.FromSeconds(30),
            CalculateResponseStatus = _ => ResponseStatus.Completed,
            UserAgent = "northflank-sandbox-operator",
        });
        retrying = BuildRetryPipeline();
    }

    /// <summary>The token this client speaks for; prints as its fingerprint.</summary>
    public NorthflankToken Token { get; }

    public RequestBudget Budget { get; }

    public async Task<ServiceDetails?> GetServiceAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct)
    {
        var answer = await SendAsync(new Call(Method.Get, Routes.Service, priority, Idempotent: true, NotFoundIsAnswer: true)
        {
            Segments = [("projectId", projectId), ("serviceId", serviceId)],
        }, ct);
        return answer.IsNotFound ? null : ReadData<ServiceDetails>(answer);
    }

    public async Task<IReadOnlyList<string>> ListProjectsAsync(RequestPriority priority, CancellationToken ct)
    {
        var all = new List<string>();
        string? cursor = null;
        while (true)
        {
            var answer = await SendAsync(ListCall(Routes.Projects, null, priority, cursor), ct);
            var envelope = Deserialize<DataEnvelope<ProjectListData>>(answer);
            all.AddRange((envelope.Data?.Projects ?? throw Unexpected(answer, "no data.projects")).Select(p => p.Id));
            if (!NextPage(envelope.Pagination, ref cursor))
            {
                return all;
            }
        }
    }

    public async Task<IReadOnlyList<ServiceSummary>> ListServicesAsync(string projectId, RequestPriority priority, CancellationToken ct)
    {
        var all = new List<ServiceSummary>();
        string? cursor = null;
        while (true)
        {
            var answer = await SendAsync(ListCall(Routes.Services, projectId, priority, cursor), ct);
            var envelope = Deserialize<DataEnvelope<ServiceListData>>(answer);
            all.AddRange(envelope.Data?.Services ?? throw Unexpected(answer, "no data.services"));
            if (!NextPage(envelope.Pagination, ref cursor))
            {
                return all;
            }
        }
    }

    /// <summary>
    /// POST a new service. Never retried automatically: a second try after a lost answer would 409, which the caller
    /// reads as "look at what is there" (the operator's own service, or someone else's).
    /// </summary>
    public async Task<ServiceDetails> CreateDeploymentServiceAsync(string projectId, CreateServiceRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await SendAsync(new Call(Method.Post, Routes.DeploymentService, RequestPriority.Write, Idempotent: false)
        {
            Segments = [("projectId", projectId)],
            Body = request,
        }, ct);
        return ReadData<ServiceDetails>(answer);
    }

    public async Task<ServiceDetails> PatchDeploymentServiceAsync(string projectId, string serviceId, ServiceSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var answer = await SendAsync(new Call(Method.Patch, Routes.PatchDeploymentService, RequestPriority.Write, Idempotent: true)
        {
            Segments = [("projectId", projectId), ("serviceId", serviceId)],
            // The base type's fields only: a create request's name and create options are not PATCH fields.
            Body = spec,
            BodyType = typeof(ServiceSpec),
        }, ct);
        return ReadData<ServiceDetails>(answer);
    }

    public Task DeleteServiceAsync(string projectId, string serviceId, bool deleteChildObjects, CancellationToken ct) =>
        SendAsync(new Call(Method.Delete, Routes.Service, RequestPriority.Write, Idempotent: true, NotFoundIsAnswer: true)
        {
            Segments = [("projectId", projectId), ("serviceId", serviceId)],
            Query = [("delete_child_objects", deleteChildObjects ? "true" : "false")],
        }, ct);

    public Task PauseServiceAsync(string projectId, string serviceId, CancellationToken ct) =>
        SendAsync(new Call(Method.Post, Routes.Pause, RequestPriority.Write, Idempotent: true)
        {
            Segments = [("projectId", projectId), ("serviceId", serviceId)],
        }, ct);

    public Task ResumeServiceAsync(string projectId, string serviceId, int? instances, CancellationToken ct) =>
        SendAsync(new Call(Method.Post, Routes.Resume, RequestPriority.Write, Idempotent: true)
        {
            Segments = [("projectId", projectId), ("serviceId", serviceId)],
            Body = new ResumeBody { Instances = instances },
        }, ct);

    public async Task<IReadOnlyList<ServiceContainer>> ListContainersAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct)
    {
        var all = new List<ServiceContainer>();
        string? cursor = null;
        while (true)
        {
            var call = ListCall(Routes.Containers, projectId, priority, cursor) with { Segments = [("projectId", projectId), ("serviceId", serviceId)] };
            var answer = await SendAsync(call, ct);
            var envelope = Deserialize<DataEnvelope<ContainerListData>>(answer);
            all.AddRange(envelope.Data?.Containers ?? throw Unexpected(answer, "no data.containers"));
            if (!NextPage(envelope.Pagination, ref cursor))
            {
                return all;
            }
        }
    }

    /// <summary>
    /// POST a new volume. Never retried automatically: a second try after a lost answer would 409. On a transient
    /// failure the caller lists the volumes to see whether the first try went through.
    /// </summary>
    public async Task<VolumeDetails> CreateVolumeAsync(string projectId, VolumeRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await SendAsync(new Call(Method.Post, Routes.Volumes, RequestPriority.Write, Idempotent: false)
        {
            Segments = [("projectId", projectId)],
            Body = request,
        }, ct);
        return ReadData<VolumeDetails>(answer);
    }

    public async Task<VolumeDetails?> GetVolumeAsync(string projectId, string volumeId, RequestPriority priority, CancellationToken ct)
    {
        var answer = await SendAsync(new Call(Method.Get, Routes.Volume, priority, Idempotent: true, NotFoundIsAnswer: true)
        {
            Segments = [("projectId", projectId), ("volumeId", volumeId)],
        }, ct);
        return answer.IsNotFound ? null : ReadData<VolumeDetails>(answer);
    }

    public Task DeleteVolumeAsync(string projectId, string volumeId, CancellationToken ct) =>
        SendAsync(new Call(Method.Delete, Routes.Volume, RequestPriority.Write, Idempotent: true, NotFoundIsAnswer: true)
        {
            Segments = [("projectId", projectId), ("volumeId", volumeId)],
        }, ct);

    public void Dispose() => rest.Dispose();

    public override string ToString() => $"northflank-client:{Token.Fingerprint}";

    private static Call ListCall(string route, string? projectId, RequestPriority priority, string? cursor)
    {
        List<(string, string)> query = [("per_page", PageSize.ToString(CultureInfo.InvariantCulture))];
        if (cursor is not null)
        {
            query.Add(("cursor", cursor));
        }

        return new Call(Method.Get, route, priority, Idempotent: true) { Segments = projectId is null ? [] : [("projectId", projectId)], Query = query };
    }

    /// <summary>Moves to the next page while <c>pagination.hasNextPage</c> holds and a cursor came with it.</summary>
    private static bool NextPage(Pagination? pagination, ref string? cursor)
    {
        if (pagination is not { HasNextPage: true, Cursor: { Length: > 0 } next } || next == cursor)
        {
            return false;
        }

        cursor = next;
        return true;
    }

    private ResiliencePipeline BuildRetryPipeline()
    {
        if (options.MaxRetries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NorthflankApiException>(e => e.IsTransient),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromMinutes(1),
                OnRetry = args =>
                {
                    var failure = args.Outcome.Exception as NorthflankApiException;
                    logger.LogDebug(
                        "Northflank request failed with {Status}; retry {Attempt} of {MaxRetries} in {Delay}",
                        failure?.Status?.ToString() ?? "no answer", args.AttemptNumber + 1, options.MaxRetries, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private async Task<Answer> SendAsync(Call call, CancellationToken ct)
    {
        var pipeline = call.Idempotent ? retrying : ResiliencePipeline.Empty;
        return await pipeline.ExecuteAsync(async token => await SendOnceAsync(call, token), ct);
    }

    /// <summary>One HTTP attempt: budget, request, telemetry, error mapping.</summary>
    private async ValueTask<Answer> SendOnceAsync(Call call, CancellationToken ct)
    {
        var waited = await Budget.AcquireAsync(call.Priority, ct);
        var method = call.Method.ToString().ToUpperInvariant();

        using var activity = NorthflankTelemetry.ActivitySource.StartActivity(NorthflankTelemetry.RequestActivityName, ActivityKind.Client);
        activity?.SetTag("northflank.endpoint", call.Route);
        activity?.SetTag("http.request.method", method);
        activity?.SetTag("northflank.budget.wait_ms", waited.TotalMilliseconds);

        if (call.Method != Method.Get)
        {
            // Last moment before sending: the budget wait above may have been long.
            beforeWrite?.Invoke();
        }

        using var timeout = new CancellationTokenSource(options.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var started = time.GetTimestamp();
        RestResponse? response = null;
        Exception? failure = null;
        try
        {
            response = await rest.ExecuteAsync(BuildRequest(call), linked.Token);
        }
        catch (OperationCanceledException ex)
        {
            failure = ex;
        }

        var elapsed = time.GetElapsedTime(started);
        ct.ThrowIfCancellationRequested();

        string statusTag;
        NorthflankApiException? error = null;
        if (timeout.IsCancellationRequested || response?.ResponseStatus == ResponseStatus.TimedOut)
        {
            statusTag = "timeout";
            error = new NorthflankApiException(
                null, $"Northflank did not answer {method} {call.Route} within {options.RequestTimeout.TotalSeconds:0.#} s.", inner: failure);
        }
        else if (response is null || response.StatusCode == 0)
        {
            statusTag = "error";
            var cause = response?.ErrorException ?? failure;
            error = new NorthflankApiException(
                null, $"No answer from Northflank for {method} {call.Route}: {cause?.GetType().Name ?? "no response"}.", inner: cause);
        }
        else
        {
            statusTag = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            ApplyRateLimitHeaders(response);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                NorthflankTelemetry.Throttled.Add(1);
                var retryAfter = RetryAfter(response) ?? options.ThrottlePauseWithoutRetryAfter;
                Budget.PauseFor(retryAfter);
                error = MapError(response, retryAfter);
            }
            else if (!response.IsSuccessStatusCode && !(call.NotFoundIsAnswer && response.StatusCode == HttpStatusCode.NotFound))
            {
                error = MapError(response, null);
            }
        }

        NorthflankTelemetry.Requests.Add(
            1,
            new KeyValuePair<string, object?>("endpoint", call.Route),
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("status", statusTag));
        NorthflankTelemetry.RequestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("endpoint", call.Route));
        activity?.SetTag("http.response.status_code", statusTag);
        logger.LogDebug(
            "Northflank {Method} {Endpoint} -> {Status} in {DurationMs:0} ms (budget wait {WaitMs:0} ms)",
            method, call.Route, statusTag, elapsed.TotalMilliseconds, waited.TotalMilliseconds);

        if (error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, statusTag);
            throw error;
        }

        return new Answer(response!.StatusCode, response.Content);
    }

    private static RestRequest BuildRequest(Call call)
    {
        var request = new RestRequest(call.Route, call.Method);
        foreach (var (name, value) in call.Segments)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
            request.AddUrlSegment(name, value);
        }

        foreach (var (name, value) in call.Query)
        {
            request.AddQueryParameter(name, value);
        }

        if (call.Body is not null)
        {
            request.AddStringBody(JsonSerializer.Serialize(call.Body, call.BodyType ?? call.Body.GetType(), NorthflankJson.Options), ContentType.Json);
        }

        return request;
    }

    /// <summary>Northflank's own error message, status and id; never the request body, never the token.</summary>
    private static NorthflankApiException MapError(RestResponse response, TimeSpan? retryAfter)
    {
        var body = TryDeserialize<ErrorEnvelope>(response.Content)?.Error;
        var message = body?.Message?.Trim();
        if (string.IsNullOrEmpty(message))
        {
            message = $"Northflank answered {(int)response.StatusCode} {response.StatusDescription}".Trim() + ".";
        }
        else if (message.Length > MaxMessageLength)
        {
            message = message[..MaxMessageLength] + "…";
        }

        return new NorthflankApiException(response.StatusCode, message, body?.Id, retryAfter);
    }

    private TimeSpan? RetryAfter(RestResponse response)
    {
        var value = Header(response, "Retry-After");
        if (value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Max(at - time.GetUtcNow(), TimeSpan.Zero)
            : null;
    }

    /// <summary>
    /// Northflank's rate-limit headers (use-the-api.md): <c>x-ratelimit-limit</c> (the account's), <c>x-ratelimit-remaining</c>
    /// and <c>x-ratelimit-reset</c>, documented as seconds to the reset (read as Unix seconds when it is that large).
    /// </summary>
    private void ApplyRateLimitHeaders(RestResponse response)
    {
        var remainingText = Header(response, "X-RateLimit-Remaining");
        if (!int.TryParse(remainingText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining))
        {
            return;
        }

        DateTimeOffset? resetAt = null;
        if (double.TryParse(Header(response, "X-RateLimit-Reset"), NumberStyles.Float, CultureInfo.InvariantCulture, out var reset) && reset >= 0)
        {
            resetAt = reset > 1_000_000_000
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(reset * 1000))
                : time.GetUtcNow() + TimeSpan.FromSeconds(reset);
        }

        int? limit = int.TryParse(Header(response, "X-RateLimit-Limit"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;
        Budget.Correct(remaining, resetAt, limit);
    }

    private static string? Header(RestResponse response, string name) =>
        response.Headers?.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value?.Trim();

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static T ReadData<T>(Answer answer)
        where T : class =>
        Deserialize<DataEnvelope<T>>(answer).Data ?? throw Unexpected(answer, "no data");

    private static T Deserialize<T>(Answer answer)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(answer.Content ?? string.Empty, NorthflankJson.Options)
                ?? throw Unexpected(answer, "empty body");
        }
        catch (JsonException ex)
        {
            // The JSON exception names a path and position only, not content.
            throw new NorthflankApiException(answer.Status, $"Northflank answered with JSON this client cannot read ({ex.Path}).", inner: ex);
        }
    }

    private static T? TryDeserialize<T>(string? content)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(content, NorthflankJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static NorthflankApiException Unexpected(Answer answer, string what) =>
        new(answer.Status, $"Northflank's answer has an unexpected shape: {what}.");

    private sealed record Call(Method Method, string Route, RequestPriority Priority, bool Idempotent, bool NotFoundIsAnswer = false)
    {
        public IReadOnlyList<(string Name, string Value)> Segments { get; init; } = [];

        public IReadOnlyList<(string Name, string Value)> Query { get; init; } = [];

        public object? Body { get; init; }

        /// <summary>The type to serialize <see cref="Body"/> as, when not its runtime type.</summary>
        public Type? BodyType { get; init; }
    }

    private sealed record Answer(HttpStatusCode Status, string? Content)
    {
        public bool IsNotFound => Status == HttpStatusCode.NotFound;
    }

    /// <summary>Reveals the token at the last moment, into the header of the outgoing request only.</summary>
    private sealed class BearerTokenAuthenticator(NorthflankToken token) : IAuthenticator
    {
        public ValueTask Authenticate(IRestClient client, RestRequest request, CancellationToken cancellationToken)
        {
            request.AddOrUpdateHeader("Authorization", "Bearer " + token.Reveal());
            return ValueTask.CompletedTask;
        }
    }
}
