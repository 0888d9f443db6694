using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NorthflankSimulator;
using NorthflankSimulator.Api;
using NorthflankSimulator.State;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// The operator's endpoint-level Northflank API over the simulator's in-process store: the same request parsing and
/// validation as over HTTP (so it is as strict as Northflank's reference), the same answer shapes, the same 4xx, but no
/// HTTP, no budget, no retries. It records every call, so a test can say which actions a reconcile took.
/// </summary>
public sealed class InProcessNorthflank : INorthflankApi
{
    private readonly SimulatorStore store;
    private readonly List<string> calls = [];
    private readonly Lock gate = new();

    public InProcessNorthflank(SimulatorOptions options, TimeProvider time)
    {
        Options = options;
        store = new SimulatorStore(options, time);
    }

    public SimulatorOptions Options { get; }

    internal SimulatorStore Store => store;

    /// <summary>Each call as <c>METHOD what</c>, e.g. <c>POST service</c>, <c>GET service sbx-a-1234</c>.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (gate)
            {
                return [.. calls];
            }
        }
    }

    /// <summary>Northflank's answer to the next calls matching a prefix of <see cref="Calls"/>' form (e.g. "DELETE").</summary>
    public Dictionary<string, Func<NorthflankApiException>> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>What happens on Northflank just before the next calls matching a prefix (a race the reconcile cannot see).</summary>
    public Dictionary<string, Action> Before { get; } = new(StringComparer.Ordinal);

    public void ClearCalls()
    {
        lock (gate)
        {
            calls.Clear();
        }
    }

    public Task<IReadOnlyList<string>> ListProjectsAsync(RequestPriority priority, CancellationToken ct) =>
        Run("GET projects", () => (IReadOnlyList<string>)store.ListProjects(_ => true).Select(p => p["id"]!.GetValue<string>()).ToList());

    public Task<ServiceDetails?> GetServiceAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct) =>
        Run($"GET service {serviceId}", () => NotFoundIsNull(() => Read<ServiceDetails>(store.GetService(projectId, serviceId))));

    public Task<IReadOnlyList<ServiceSummary>> ListServicesAsync(string projectId, RequestPriority priority, CancellationToken ct) =>
        Run("GET services", () => (IReadOnlyList<ServiceSummary>)store.ListServices(projectId).Select(Read<ServiceSummary>).ToList());

    public Task<ServiceDetails> CreateDeploymentServiceAsync(string projectId, CreateServiceRequest request, CancellationToken ct) =>
        Run("POST service", () => Read<ServiceDetails>(store.CreateService(projectId, ServiceParsers.Parse(Body(request, request.GetType()), ServiceBody.Create), upsert: false)));

    public Task<ServiceDetails> PatchDeploymentServiceAsync(string projectId, string serviceId, ServiceSpec spec, CancellationToken ct) =>
        Run($"PATCH service {serviceId}", () => Read<ServiceDetails>(store.PatchService(projectId, serviceId, ServiceParsers.Parse(Body(spec, typeof(ServiceSpec)), ServiceBody.Patch))));

    public Task PatchServiceDescriptionAsync(string projectId, string serviceId, string description, CancellationToken ct) =>
        Run($"PATCH service {serviceId} description", () => store.PatchService(projectId, serviceId, ServiceParsers.Parse(new System.Text.Json.Nodes.JsonObject { ["description"] = description }, ServiceBody.Patch)));

    public Task RemoveEnvironmentAsync(string projectId, string serviceId, IReadOnlyList<string> names, CancellationToken ct) =>
        Run($"PATCH service {serviceId} environment", () => store.PatchService(projectId, serviceId, ServiceParsers.Parse(
            new JsonObject { ["runtimeEnvironment"] = new JsonObject([.. names.Select(n => KeyValuePair.Create(n, (JsonNode?)null))]) }, ServiceBody.Patch)));

    public Task DeleteServiceAsync(string projectId, string serviceId, bool deleteChildObjects, CancellationToken ct) =>
        Run($"DELETE service {serviceId}", () => NotFoundIsNull<object>(() =>
        {
            store.DeleteService(projectId, serviceId, deleteChildObjects);
            return new object();
        }));

    public Task PauseServiceAsync(string projectId, string serviceId, CancellationToken ct) =>
        Run($"POST pause {serviceId}", () =>
        {
            store.Pause(projectId, serviceId);
            return true;
        });

    public Task ResumeServiceAsync(string projectId, string serviceId, int? instances, CancellationToken ct) =>
        Run($"POST resume {serviceId}", () =>
        {
            store.Resume(projectId, serviceId, instances);
            return true;
        });

    public Task<IReadOnlyList<ServiceContainer>> ListContainersAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct) =>
        Run($"GET containers {serviceId}", () => (IReadOnlyList<ServiceContainer>)store.ListContainers(projectId, serviceId).Select(Read<ServiceContainer>).ToList());

    public Task<VolumeDetails> CreateVolumeAsync(string projectId, VolumeRequest request, CancellationToken ct) =>
        Run("POST volume", () => Read<VolumeDetails>(store.CreateVolume(projectId, RequestParsers.Volume(Body(request, typeof(VolumeRequest))))));

    public Task<VolumeDetails?> GetVolumeAsync(string projectId, string volumeId, RequestPriority priority, CancellationToken ct) =>
        Run($"GET volume {volumeId}", () => NotFoundIsNull(() => Read<VolumeDetails>(store.GetVolume(projectId, volumeId))));

    public Task DeleteVolumeAsync(string projectId, string volumeId, CancellationToken ct) =>
        Run($"DELETE volume {volumeId}", () => NotFoundIsNull<object>(() =>
        {
            store.DeleteVolume(projectId, volumeId);
            return new object();
        }));

    /// <summary>Records the call, applies a scripted failure, else runs it and maps the simulator's errors to the client's.</summary>
    private Task<T> Run<T>(string call, Func<T> body)
    {
        lock (gate)
        {
            calls.Add(call);
        }

        var before = Before.FirstOrDefault(b => call.StartsWith(b.Key, StringComparison.Ordinal));
        if (before.Value is not null)
        {
            Before.Remove(before.Key);
            before.Value();
        }

        var failure = Failures.FirstOrDefault(f => call.StartsWith(f.Key, StringComparison.Ordinal)).Value;
        if (failure is not null)
        {
            return Task.FromException<T>(failure());
        }

        try
        {
            return Task.FromResult(body());
        }
        catch (ApiException e)
        {
            return Task.FromException<T>(new NorthflankApiException((HttpStatusCode)e.Status, e.Message, e.ErrorId));
        }
    }

    private static T? NotFoundIsNull<T>(Func<T> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static JsonObject Body(object request, Type type) =>
        JsonNode.Parse(JsonSerializer.Serialize(request, type, NorthflankJson.Options))!.AsObject();

    private static T Read<T>(JsonObject json) => json.Deserialize<T>(NorthflankJson.Options)!;
}
