using System.Text.Json.Nodes;
using static NorthflankSimulator.State.Views;

namespace NorthflankSimulator.State;

/// <summary>
/// Service answers, each with exactly the fields its reference page lists and the simulator has data for:
/// the list item (list-services.md), the read shape (get-service.md) and the write shape that POST, PUT and
/// PATCH answer (put-deployment-service.md). <c>status.deployment</c> never carries a message.
/// </summary>
internal static class ServiceViews
{
    private static JsonObject Status(DeploymentStatus status) => new()
    {
        ["deployment"] = new JsonObject
        {
            ["status"] = status.PhaseName,
            ["reason"] = status.ReasonName,
            ["lastTransitionTime"] = Time(status.LastTransitionTime),
        },
    };

    /// <summary>No pause state, instances or ports: list-services.md lists none of them.</summary>
    public static JsonObject ListItem(ServiceRecord service, DeploymentStatus status, SimulatorOptions options)
    {
        var json = new JsonObject
        {
            ["id"] = service.Id,
            ["appId"] = AppId(service, options),
            ["projectId"] = service.ProjectId,
            ["name"] = service.Name,
            ["tags"] = Strings(service.Tags),
        };
        WithOptional(json, "description", service.Description);
        json["serviceType"] = "deployment";
        json["disabledCI"] = false;
        json["disabledCD"] = false;
        json["status"] = Status(status);
        return json;
    }

    /// <summary>Ports as GET service and the deprecated GET ports show them: with ids, and DNS names for public ones.</summary>
    public static JsonArray Ports(ServiceRecord service, ProjectRecord project) => new([.. service.Ports.Select(port =>
    {
        var json = new JsonObject
        {
            ["id"] = port.Id,
            ["name"] = port.Name,
            ["internalPort"] = port.InternalPort,
            ["protocol"] = port.Protocol,
            ["public"] = port.Public,
        };
        WithOptional(json, "dns", Dns(port, service, project));
        json["domains"] = new JsonArray();
        json["disableNfDomain"] = false;
        return (JsonNode)json;
    })]);

    private static JsonObject Docker(DockerSettings docker)
    {
        var json = new JsonObject { ["configType"] = docker.ConfigType };
        WithOptional(json, "customEntrypoint", docker.CustomEntrypoint);
        WithOptional(json, "customCommand", docker.CustomCommand);
        return json;
    }

    /// <summary>Northflank gives containers 1024 MB of ephemeral storage unless told otherwise (guides/scale.md).</summary>
    private static JsonObject Storage(int? ephemeralStorageSize) => new()
    {
        ["ephemeralStorage"] = new JsonObject { ["storageSize"] = ephemeralStorageSize ?? 1024 },
    };

    /// <summary>GET service: with <c>servicePaused</c>, the running instance count and the image without its host.</summary>
    public static JsonObject Service(ServiceRecord service, DeploymentStatus status, ProjectRecord project, SimulatorOptions options)
    {
        var json = new JsonObject
        {
            ["id"] = service.Id,
            ["appId"] = AppId(service, options),
            ["name"] = service.Name,
            ["tags"] = Strings(service.Tags),
        };
        WithOptional(json, "description", service.Description);
        json["projectId"] = service.ProjectId;
        json["serviceType"] = "deployment";
        json["createdAt"] = Time(service.CreatedAt);
        json["disabledCI"] = false;
        json["disabledCD"] = false;
        json["billing"] = new JsonObject { ["deploymentPlan"] = service.Plan };
        json["status"] = Status(status);
        json["servicePaused"] = service.Paused;
        var image = ImageReference.Parse(service.ImagePath);
        var deployment = new JsonObject
        {
            ["region"] = options.Region,
            ["instances"] = service.Instances,
            ["external"] = new JsonObject
            {
                ["imagePath"] = image.PathWithoutHost,
                ["registryProvider"] = image.RegistryProvider,
                ["privateImage"] = service.Credentials is not null,
            },
            ["docker"] = Docker(service.Docker),
            ["storage"] = Storage(service.EphemeralStorageSize),
        };
        WithOptional(deployment, "metadata", service.Metadata?.DeepClone());
        deployment["imageUrl"] = image.Url;
        json["deployment"] = deployment;
        json["ports"] = Ports(service, project);
        json["cluster"] = Cluster(options);
        return json;
    }

    /// <summary>
    /// POST/PUT/PATCH answer: the request's fields as the service now holds them, plus id, appId, cluster, times,
    /// expiry and status. No servicePaused and no projectId (put-deployment-service.md lists neither); ports without
    /// ids or DNS names; instances as asked for (a paused service remembers them for resume).
    /// </summary>
    public static JsonObject Written(ServiceRecord service, DeploymentStatus status, ExpiryStatus? expiry, SimulatorOptions options)
    {
        var json = new JsonObject { ["name"] = service.Name };
        WithOptional(json, "description", service.Description);
        json["tags"] = Strings(service.Tags);
        json["billing"] = new JsonObject { ["deploymentPlan"] = service.Plan };
        json["ports"] = new JsonArray([.. service.Ports.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name, ["internalPort"] = p.InternalPort, ["public"] = p.Public, ["protocol"] = p.Protocol,
        })]);
        json["runtimeEnvironment"] = new JsonObject([.. service.Environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))]);
        WithOptional(json, "createOptions", CreateOptions(service));
        json["serviceType"] = "deployment";
        var external = new JsonObject { ["imagePath"] = service.ImagePath };
        WithOptional(external, "credentials", service.Credentials);
        var deployment = new JsonObject { ["instances"] = service.IntendedInstances, ["docker"] = Docker(service.Docker) };
        WithOptional(deployment, "storage", service.EphemeralStorageSize is null ? null : Storage(service.EphemeralStorageSize));
        WithOptional(deployment, "metadata", service.Metadata?.DeepClone());
        deployment["external"] = external;
        json["deployment"] = deployment;
        json["id"] = service.Id;
        json["appId"] = AppId(service, options);
        json["cluster"] = Cluster(options);
        json["createdAt"] = Time(service.CreatedAt);
        json["updatedAt"] = Time(service.UpdatedAt);
        WithOptional(json, "expiryTime", expiry?.ExpiryTime is { } expiryTime ? Time(expiryTime) : null);
        WithOptional(json, "expiredAt", expiry?.ExpiredAt is { } expiredAt ? Time(expiredAt) : null);
        WithOptional(json, "scheduledDeletion", expiry?.ScheduledDeletion is { } deletion ? Time(deletion) : null);
        json["status"] = Status(status);
        return json;
    }

    private static JsonObject? CreateOptions(ServiceRecord service)
    {
        if (service.VolumesToAttach is null && service.ExpirySeconds is null)
        {
            return null;
        }

        var json = new JsonObject();
        WithOptional(json, "volumesToAttach", service.VolumesToAttach is null ? null : Strings(service.VolumesToAttach));
        WithOptional(json, "expiryTime", service.ExpirySeconds is { } seconds ? JsonValue.Create(seconds) : null);
        return json;
    }

    public static JsonObject Container(ContainerState container) => new()
    {
        ["name"] = container.Name,
        ["createdAt"] = container.CreatedAt,
        ["status"] = container.Status,
        ["updatedAt"] = container.UpdatedAt,
    };
}
