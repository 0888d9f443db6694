namespace SandboxOperator.Northflank.Wire;

/// <summary>
/// The part of Northflank's REST API the operator uses. One instance speaks for one API token; every attempt first
/// passes that token's <see cref="IRequestGate"/> (its request budget and circuit, shared by all its users).
/// Implementations translate HTTP errors into <see cref="NorthflankApiException"/> and never put the token into an
/// exception, a log line or a trace.
/// </summary>
public interface INorthflankApi
{
    /// <summary>The ids of the projects the token can see (all pages).</summary>
    Task<IReadOnlyList<string>> ListProjectsAsync(RequestPriority priority, CancellationToken ct);

    /// <summary>GET a service; null when Northflank answers 404.</summary>
    Task<ServiceDetails?> GetServiceAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct);

    /// <summary>Every service of a project, following pagination (100 a page).</summary>
    Task<IReadOnlyList<ServiceSummary>> ListServicesAsync(string projectId, RequestPriority priority, CancellationToken ct);

    /// <summary>POST a new deployment service; 409 when one with the same derived id exists. Never retried automatically.</summary>
    Task<ServiceDetails> CreateDeploymentServiceAsync(string projectId, CreateServiceRequest request, CancellationToken ct);

    /// <summary>PATCH the settings given (the rest stay as they are).</summary>
    Task<ServiceDetails> PatchDeploymentServiceAsync(string projectId, string serviceId, ServiceSpec spec, CancellationToken ct);

    /// <summary>PATCH the service's description alone (nothing redeploys).</summary>
    Task PatchServiceDescriptionAsync(string projectId, string serviceId, string description, CancellationToken ct);

    /// <summary>
    /// PATCH <c>runtimeEnvironment</c> with each name as null: RFC 7386's removal, for a PATCH that merges (the reference
    /// does not say whether it replaces or merges). Sent only after an answer showed names the spec no longer has.
    /// </summary>
    Task RemoveEnvironmentAsync(string projectId, string serviceId, IReadOnlyList<string> names, CancellationToken ct);

    /// <summary>DELETE a service; succeeds when it is already gone (404).</summary>
    Task DeleteServiceAsync(string projectId, string serviceId, bool deleteChildObjects, CancellationToken ct);

    /// <summary>Pause; Northflank may answer 409 when the service is already paused.</summary>
    Task PauseServiceAsync(string projectId, string serviceId, CancellationToken ct);

    /// <summary>Resume; Northflank answers 409 when the service is not paused (resume-service.md).</summary>
    Task ResumeServiceAsync(string projectId, string serviceId, int? instances, CancellationToken ct);

    /// <summary>The service's containers and their states (all pages).</summary>
    Task<IReadOnlyList<ServiceContainer>> ListContainersAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct);

    /// <summary>POST a new volume; 409 when one with the same derived id exists. Never retried automatically.</summary>
    Task<VolumeDetails> CreateVolumeAsync(string projectId, VolumeRequest request, CancellationToken ct);

    /// <summary>GET a volume; null when Northflank answers 404.</summary>
    Task<VolumeDetails?> GetVolumeAsync(string projectId, string volumeId, RequestPriority priority, CancellationToken ct);

    /// <summary>DELETE a volume; succeeds when it is already gone (404).</summary>
    Task DeleteVolumeAsync(string projectId, string volumeId, CancellationToken ct);

    /// <summary>
    /// Time between two calls while the token's window is paced (what is left of it is the reserve); null while calls go
    /// freely, or before Northflank has said what is left. Observation slows down by it (<c>ObservationPace</c>).
    /// </summary>
    TimeSpan? PacedInterval => null;
}

/// <summary>
/// Which requests go first when a token's budget is short: user intent (create, update, delete) before the
/// operator's own periodic observation. Writes are <see cref="Write"/> implicitly.
/// </summary>
public enum RequestPriority
{
    /// <summary>
    /// A look that confirms writes already sent (one project list answers every Sandbox in the project): it goes
    /// before waiting writes, but takes at most one grant in <c>RequestBudget.ConfirmShare</c> while others
    /// wait, so a burst of writes is confirmed as it goes instead of after its last write, and still runs.
    /// </summary>
    Confirm = 0,
    Write = 1,
    Observe = 2,
    Background = 3,
}
