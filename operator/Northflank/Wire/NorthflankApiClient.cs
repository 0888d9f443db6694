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

namespace SandboxOperator.Northflank.Wire;

/// <summary>
/// <see cref="INorthflankApi"/> over RestSharp for one API token: the wire, knowing routes, JSON and Northflank's
/// errors, and nothing of budgets. Every HTTP attempt (retries included) first passes the token's shared
/// <see cref="IRequestGate"/> (which may put the call off: it then fails at once with when it will be served), and the
/// gate is told of every answer's rate-limit headers, of a 429, and of whether Northflank answered the call at all.
/// Idempotent calls are retried in place when Northflank did not answer (no answer, 408, 5xx) with jittered
/// exponential backoff, while the gate allows it; <see cref="CreateVolumeAsync"/> is never retried.
/// The token goes into the Authorization header and nowhere else: not into exceptions, logs, metrics or traces.
/// Every write (any request but a GET) first calls the write guard the host gives, immediately before it is sent
/// (after any wait at the gate), so a replica that is no longer allowed to write sends nothing.
/// </summary>
public sealed partial class NorthflankApiClient : INorthflankApi, IDisposable
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
    private readonly WireOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly ResiliencePipeline retrying;
    private readonly Action? beforeWrite;
    private readonly IRequestGate gate;
    private int activeCalls;
    private long lastActivityTicks;

    /// <param name="token">The API token; only the Authorization header sees its value.</param>
    /// <param name="gate">The token's gate (budget and circuit), shared with every other user of the token.</param>
    /// <param name="options">Base URL, timeout and retry settings; defaults when null.</param>
    /// <param name="logger">Debug line per request; never the token, never bodies.</param>
    /// <param name="timeProvider">Clock for timeouts, retry delays and durations; should be the gate's.</param>
    /// <param name="beforeWrite">Called just before each non-GET request goes out; throws to keep it from being sent
    /// (the host's leadership fence). Its exception reaches the caller as is and is never retried.</param>
    public NorthflankApiClient(
        NorthflankToken token,
        IRequestGate gate,
        WireOptions? options = null,
        ILogger<NorthflankApiClient>? logger = null,
        TimeProvider? timeProvider = null,
        Action? beforeWrite = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(gate);
        this.options = options ?? new WireOptions();
        this.options.Validate();
        Token = token;
        this.gate = gate;
        this.logger = logger ?? NullLogger<NorthflankApiClient>.Instance;
        time = timeProvider ?? TimeProvider.System;
        this.beforeWrite = beforeWrite;
        lastActivityTicks = time.GetUtcNow().UtcTicks;

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

    public TimeSpan? PacedInterval => gate.PacedInterval;

    /// <summary>Calls under way (waiting at the gate, sending or retrying).</summary>
    internal int ActiveCalls => Volatile.Read(ref activeCalls);

    /// <summary>When a call last started or ended.</summary>
    internal DateTimeOffset LastActivity => new(Interlocked.Read(ref lastActivityTicks), TimeSpan.Zero);

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

    public Task PatchServiceDescriptionAsync(string projectId, string serviceId, string description, CancellationToken ct) =>
        SendAsync(new Call(Method.Patch, Routes.PatchDeploymentService, RequestPriority.Write, Idempotent: true)
        {
            Segments = [("projectId", projectId), ("serviceId", serviceId)],
            Body = new DescriptionPatch { Description = description },
        }, ct);

    public Task RemoveEnvironmentAsync(string projectId, string serviceId, IReadOnlyList<string> names, CancellationToken ct) =>
        SendAsync(new Call(Method.Patch, Routes.PatchDeploymentService, RequestPriority.Write, Idempotent: true)
        {
            Segments = [("projectId", projectId), ("serviceId", serviceId)],
            Body = new EnvironmentRemoval { RuntimeEnvironment = names.ToDictionary(n => n, string? (_) => null, StringComparer.Ordinal) },
        }, ct);

    public async Task DeleteServiceAsync(string projectId, string serviceId, bool deleteChildObjects, CancellationToken ct)
    {
        await SendAsync(new Call(Method.Delete, Routes.Service, RequestPriority.Write, Idempotent: true, NotFoundIsAnswer: true)
        {
            Segments = [("projectId", projectId), ("serviceId", serviceId)],
            Query = [("delete_child_objects", deleteChildObjects ? "true" : "false")],
        }, ct);
        gate.DeleteSent(); // What was kept for this DELETE is spent.
    }

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
}
