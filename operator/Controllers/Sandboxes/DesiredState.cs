using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Templates;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>The Northflank objects a Sandbox's spec asks for, with a fingerprint that changes when they do.</summary>
/// <param name="Service">The service's settings, as a PATCH sends them (the create adds the name and create options).</param>
/// <param name="NorthflankExpiry">When Northflank itself should expire the service (see <see cref="NorthflankExpiryOf"/>).</param>
public sealed record DesiredState(
    string ProjectId,
    string ServiceName,
    ServiceSpec Service,
    VolumeRequest? Volume,
    bool Paused,
    DateTimeOffset? ExpiresAt,
    bool Expired,
    string SpecHash,
    DateTimeOffset? NorthflankExpiry = null)
{
    public static DesiredState Build(Sandbox sandbox, ResolvedInputs inputs, string clusterId, DateTimeOffset now)
    {
        // The spec merged with the Sandbox's template; the template's resourceVersion is in the environment sources.
        sandbox = inputs.Spec is { } merged ? TemplateMerge.WithSpec(sandbox, merged) : sandbox;
        var spec = sandbox.Spec;
        var serviceName = SandboxNaming.ServiceName(sandbox);
        var expiresAt = ExpiryOf(sandbox);
        var expired = expiresAt is { } at && at <= now;
        var paused = spec.OperatingMode == OperatingModes.Paused || (expired && spec.Lifecycle?.ShutdownPolicy == ShutdownPolicies.Pause);

        var service = new ServiceSpec
        {
            Description = OwnershipMarker.Description(sandbox, clusterId),
            // Always sent, empty too: a PATCH without tags keeps the old ones, so removing the last tag would not remove it.
            Tags = [.. spec.Tags ?? []],
            Billing = new BillingSpec { DeploymentPlan = spec.Plan ?? SandboxSpec.DefaultPlan },
            Deployment = new DeploymentSpec
            {
                Instances = 1,
                External = new ExternalImage { ImagePath = spec.Image ?? "", Credentials = spec.ImageCredentials },
                Docker = DockerOf(spec),
                Storage = spec.EphemeralStorageMB is { } mb ? new StorageSpec { EphemeralStorage = new EphemeralStorage { StorageSize = mb } } : null,
            },
            Ports = (spec.Ports ?? []).Select(p => new PortRequest { Name = p.Name, InternalPort = p.Port, Public = p.Public, Protocol = WireProtocol(p.Protocol) }).ToList(),
            RuntimeEnvironment = inputs.Environment,
        };

        var volume = spec.Volume is { } v
            ? new VolumeRequest
            {
                Name = SandboxNaming.VolumeName(sandbox),
                Mounts = [new VolumeMount { ContainerMountPath = v.MountPath }],
                Spec = new VolumeSpec { AccessMode = v.AccessMode, StorageClassName = v.StorageClass, StorageSize = v.SizeMB },
            }
            : null;

        return new DesiredState(inputs.ProjectId, serviceName, service, volume, paused, expiresAt, expired, Fingerprint(service, inputs), NorthflankExpiryOf(sandbox, expiresAt))
        {
            ShutdownPolicy = spec.Lifecycle?.ShutdownPolicy,
            Config = inputs.Access?.Config,
        };
    }

    /// <summary>The config the spec is applied through: recorded in status, so a delete goes through it and no other.</summary>
    public Configs.ConfigKey? Config { get; init; }

    /// <summary>What happens at expiry: the Sandbox's own lifecycle's, else its template's (null: it never expires).</summary>
    public string? ShutdownPolicy { get; init; }

    /// <summary>Where on Northflank the spec is applied.</summary>
    public SandboxTarget Target => new(ProjectId, ServiceName, Volume?.Name);

    /// <summary>
    /// The settings as sent to a service that is paused, or is to be: with no instances. The reference does not say what
    /// <c>deployment.instances</c> (required whenever <c>deployment</c> is sent) does to a paused service; 0 cannot start
    /// it on any reading, and resume names its own count (resume-service.md), so nothing runs before the resume.
    /// </summary>
    public ServiceSpec ServiceWhile(bool paused) => paused ? Service with { Deployment = Service.Deployment with { Instances = 0 } } : Service;

    /// <summary>
    /// The create body: the settings (no instances for a paused Sandbox), the name, the volumes its first deployment
    /// mounts (<c>createOptions.volumesToAttach</c>) and Northflank's own expiry when there is one.
    /// </summary>
    public CreateServiceRequest CreateRequest(DateTimeOffset now, IReadOnlyList<string>? volumesToAttach = null)
    {
        var expiry = NorthflankExpiry is { } at && ExpiryTimeFrom(now, at) is { } seconds ? seconds : (int?)null;
        return new(ServiceWhile(Paused))
        {
            Name = ServiceName,
            CreateOptions = expiry is null && volumesToAttach is null ? null : new CreateOptions { ExpiryTime = expiry, VolumesToAttach = volumesToAttach },
        };
    }

    /// <summary>
    /// A safety net on Northflank's side: a Sandbox that ends by deletion (shutdownPolicy Delete, deletionPolicy Delete)
    /// also asks Northflank to expire its service then, so the service is paused and deleted even if the operator or the
    /// whole cluster is gone by that time. Null when the Sandbox keeps its service after expiry (Pause, Orphan).
    /// </summary>
    public static DateTimeOffset? NorthflankExpiryOf(Sandbox sandbox, DateTimeOffset? expiresAt) =>
        sandbox.Spec.Lifecycle?.ShutdownPolicy == ShutdownPolicies.Delete && Adoption.DeletionPolicy(sandbox) == DeletionPolicies.Delete ? expiresAt : null;

    /// <summary>
    /// <c>createOptions.expiryTime</c> for a service created at <paramref name="now"/>: whole seconds until expiry, rounded
    /// up so Northflank never acts before the operator; null outside Northflank's 300 s to 7 days, where the operator alone
    /// expires the Sandbox (clamping would end a longer-lived Sandbox early).
    /// </summary>
    public static int? ExpiryTimeFrom(DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var remaining = expiresAt - now;
        return remaining >= NorthflankRules.MinExpiry && remaining <= NorthflankRules.MaxExpiry
            ? (int)Math.Ceiling(remaining.TotalSeconds)
            : null;
    }

    public static DateTimeOffset? ExpiryOf(Sandbox sandbox)
    {
        var lifecycle = sandbox.Spec.Lifecycle;
        if (lifecycle?.ShutdownTime is { } time)
        {
            return time;
        }

        return lifecycle?.ShutdownAfter is { } after && SpecValidator.TryParseDuration(after, out var duration) && duration <= SpecValidator.MaxLifetime
            && sandbox.Metadata.CreationTimestamp is { } created
            ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) + duration
            : null;
    }

    /// <summary>Northflank spells HTTP/2 with a slash; Kubernetes-style enums cannot.</summary>
    public static string WireProtocol(string protocol) => protocol == PortProtocols.Http2 ? "HTTP/2" : protocol;

    private static DockerSpec? DockerOf(SandboxSpec spec) => (spec.Entrypoint, spec.Command) switch
    {
        (null, null) => new DockerSpec { ConfigType = "default" },
        (null, { } command) => new DockerSpec { ConfigType = "customCommand", CustomCommand = command },
        ({ } entrypoint, null) => new DockerSpec { ConfigType = "customEntrypoint", CustomEntrypoint = entrypoint },
        ({ } entrypoint, { } command) => new DockerSpec { ConfigType = "customEntrypointCustomCommand", CustomEntrypoint = entrypoint, CustomCommand = command },
    };

    /// <summary>
    /// Hashes the request with the environment's values left out: referenced Secrets and ConfigMaps count by
    /// resourceVersion, so no secret value (not even its hash) reaches the status.
    /// </summary>
    private static string Fingerprint(ServiceSpec service, ResolvedInputs inputs)
    {
        var shape = new
        {
            // No tags hashes as it did when no tags were sent, so an upgrade does not PATCH every untagged Sandbox.
            service = service with { RuntimeEnvironment = null, Description = null, Tags = service.Tags is { Count: > 0 } ? service.Tags : null },
            environment = inputs.EnvironmentSources.Order(StringComparer.Ordinal),
        };
        var literal = JsonSerializer.SerializeToUtf8Bytes(shape);
        var hash = SHA256.HashData(literal);
        return Convert.ToHexStringLower(hash)[..16];
    }
}
