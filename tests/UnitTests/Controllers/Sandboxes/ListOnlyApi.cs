using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// A Northflank API that can only list and read services: counts list calls per project (and reads as <c>GET id</c>)
/// and can hold the lists.
/// </summary>
internal sealed class ListOnlyApi : INorthflankApi
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ListOnlyApi(bool held = false)
    {
        if (!held)
        {
            release.TrySetResult();
        }
    }

    /// <summary>What the next list returns, per project.</summary>
    public Dictionary<string, List<ServiceSummary>> Services { get; } = [];

    public List<string> Calls { get; } = [];

    /// <summary>What the token's budget says of its window's pace (null: calls go freely).</summary>
    public TimeSpan? PacedInterval { get; set; }

    /// <summary>The priority of each list call, in order.</summary>
    public List<RequestPriority> Priorities { get; } = [];

    /// <summary>Thrown by every list call (after counting it) when set.</summary>
    public Exception? ListFailure { get; init; }

    public void Release() => release.TrySetResult();

    public async Task<IReadOnlyList<ServiceSummary>> ListServicesAsync(string projectId, RequestPriority priority, CancellationToken ct)
    {
        List<ServiceSummary> listed;
        lock (gate)
        {
            Calls.Add(projectId);
            Priorities.Add(priority);
            listed = [.. Services.GetValueOrDefault(projectId) ?? []];
        }

        await release.Task.WaitAsync(ct);
        return ListFailure is { } failure ? throw failure : listed;
    }

    public static ServiceSummary Service(string id, string? deployment) => new()
    {
        Id = id,
        Name = id,
        Status = deployment is null ? null : new ServiceStatus { Deployment = new DeploymentStatus { Status = deployment } },
    };

    public Task<IReadOnlyList<string>> ListProjectsAsync(RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

    public Task<ServiceDetails?> GetServiceAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct)
    {
        lock (gate)
        {
            Calls.Add($"GET {serviceId}");
            var found = Services.GetValueOrDefault(projectId)?.FirstOrDefault(s => s.Id == serviceId);
            return Task.FromResult(found is null ? null : new ServiceDetails(found));
        }
    }

    public Task<ServiceDetails> CreateDeploymentServiceAsync(string projectId, CreateServiceRequest request, CancellationToken ct) => throw new NotSupportedException();

    public Task<ServiceDetails> PatchDeploymentServiceAsync(string projectId, string serviceId, ServiceSpec spec, CancellationToken ct) => throw new NotSupportedException();

    public Task PatchServiceDescriptionAsync(string projectId, string serviceId, string description, CancellationToken ct) => throw new NotSupportedException();

    public Task RemoveEnvironmentAsync(string projectId, string serviceId, IReadOnlyList<string> names, CancellationToken ct) => throw new NotSupportedException();

    public Task DeleteServiceAsync(string projectId, string serviceId, bool deleteChildObjects, CancellationToken ct) => throw new NotSupportedException();

    public Task PauseServiceAsync(string projectId, string serviceId, CancellationToken ct) => throw new NotSupportedException();

    public Task ResumeServiceAsync(string projectId, string serviceId, int? instances, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<ServiceContainer>> ListContainersAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

    public Task<VolumeDetails> CreateVolumeAsync(string projectId, VolumeRequest request, CancellationToken ct) => throw new NotSupportedException();

    public Task<VolumeDetails?> GetVolumeAsync(string projectId, string volumeId, RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

    public Task DeleteVolumeAsync(string projectId, string volumeId, CancellationToken ct) => throw new NotSupportedException();
}
