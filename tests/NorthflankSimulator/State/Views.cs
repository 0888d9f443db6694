using System.Globalization;
using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

/// <summary>The JSON shapes of @northflank/js-client 0.9.5's result types, field for field where the simulator has data.</summary>
internal static class Views
{
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string AppId(ServiceRecord service, SimulatorOptions options) =>
        $"/{options.TeamId}/{service.ProjectId}/{service.Id}";

    /// <summary>Public ports get <c>&lt;port&gt;--&lt;service&gt;--&lt;project dns id&gt;.code.run</c>, as Northflank's do.</summary>
    public static string? Dns(PortRecord port, ServiceRecord service, ProjectRecord project) =>
        port.Public ? $"{port.Name}--{service.Id}--{project.DnsId}.code.run" : null;

    private static JsonObject Cluster(SimulatorOptions options) =>
        new() { ["id"] = $"nf-{options.Region}", ["name"] = $"nf-{options.Region}", ["namespace"] = "simulator" };

    public static JsonObject ProjectListItem(ProjectRecord project) => WithOptional(
        new JsonObject { ["id"] = project.Id, ["name"] = project.Id }, "description", project.Description);

    public static JsonObject ProjectCreated(ProjectRecord project, SimulatorOptions options)
    {
        var json = new JsonObject { ["id"] = project.Id, ["name"] = project.Id };
        WithOptional(json, "description", project.Description);
        WithOptional(json, "color", project.Color);
        json["region"] = options.Region;
        json["createdAt"] = Time(project.CreatedAt);
        json["updatedAt"] = Time(project.UpdatedAt);
        return json;
    }

    public static JsonObject Project(ProjectRecord project, SimulatorOptions options, IEnumerable<JsonObject> services)
    {
        var json = new JsonObject { ["id"] = project.Id, ["name"] = project.Id };
        WithOptional(json, "description", project.Description);
        json["deployment"] = new JsonObject { ["region"] = options.Region };
        json["createdAt"] = Time(project.CreatedAt);
        json["services"] = new JsonArray([.. services]);
        json["jobs"] = new JsonArray();
        json["addons"] = new JsonArray();
        json["cluster"] = Cluster(options);
        return json;
    }

    public static JsonObject ProjectServiceItem(ServiceRecord service, SimulatorOptions options) => WithOptional(
        new JsonObject { ["id"] = service.Id, ["appId"] = AppId(service, options), ["name"] = service.Id },
        "description", service.Description, ("serviceType", "deployment"));

    public static JsonObject Plan(PlanOptions plan) => new()
    {
        ["id"] = plan.Id,
        ["name"] = plan.Id,
        ["currency"] = "usd",
        ["amountPerMonth"] = Math.Round(plan.AmountPerHour * 24 * 30, 2),
        ["amountPerHour"] = plan.AmountPerHour,
        ["cpuResource"] = plan.CpuResource,
        ["ramResource"] = plan.RamResource,
    };

    private static JsonObject Status(DeploymentStatus status)
    {
        var deployment = new JsonObject
        {
            ["status"] = status.PhaseName,
            ["reason"] = status.ReasonName,
            ["lastTransitionTime"] = Time(status.LastTransitionTime),
        };
        // Not in the client's types: the simulator's way of saying why a deployment FAILED.
        WithOptional(deployment, "message", status.Message);
        return new JsonObject { ["deployment"] = deployment };
    }

    public static JsonObject ServiceListItem(ServiceRecord service, DeploymentStatus status, SimulatorOptions options)
    {
        var json = new JsonObject
        {
            ["id"] = service.Id,
            ["appId"] = AppId(service, options),
            ["projectId"] = service.ProjectId,
            ["name"] = service.Id,
            ["tags"] = Strings(service.Tags),
        };
        WithOptional(json, "description", service.Description);
        json["serviceType"] = "deployment";
        json["disabledCI"] = false;
        json["disabledCD"] = false;
        json["status"] = Status(status);
        return json;
    }

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

    private static JsonObject Storage(ServiceRecord service) => new()
    {
        ["ephemeralStorage"] = new JsonObject { ["storageSize"] = service.EphemeralStorageSize ?? 1024 },
        ["shmSize"] = 64,
    };

    /// <summary>GET service: the read shape, with <c>servicePaused</c> and the running instance count.</summary>
    public static JsonObject Service(ServiceRecord service, DeploymentStatus status, ProjectRecord project, SimulatorOptions options)
    {
        var json = new JsonObject
        {
            ["id"] = service.Id,
            ["appId"] = AppId(service, options),
            ["name"] = service.Id,
            ["tags"] = Strings(service.Tags),
        };
        WithOptional(json, "description", service.Description);
        json["projectId"] = service.ProjectId;
        json["serviceType"] = "deployment";
        json["createdAt"] = Time(service.CreatedAt);
        json["updatedAt"] = Time(service.UpdatedAt);
        json["disabledCI"] = false;
        json["disabledCD"] = false;
        json["billing"] = new JsonObject { ["deploymentPlan"] = service.Plan };
        json["status"] = Status(status);
        json["servicePaused"] = service.Paused;
        var deployment = new JsonObject
        {
            ["region"] = options.Region,
            ["instances"] = service.Instances,
            ["external"] = new JsonObject
            {
                ["imagePath"] = service.ImagePath,
                ["registryProvider"] = "dockerhub",
                ["privateImage"] = service.Credentials is not null,
            },
            ["docker"] = Docker(service.Docker),
            ["storage"] = Storage(service),
        };
        WithOptional(deployment, "metadata", service.Metadata?.DeepClone());
        json["deployment"] = deployment;
        json["ports"] = Ports(service, project);
        json["cluster"] = Cluster(options);
        return json;
    }

    /// <summary>Create/PUT/PATCH result: the write shape (request fields echoed) plus id, appId and status.</summary>
    public static JsonObject ServiceWritten(ServiceRecord service, DeploymentStatus status, ProjectRecord project, SimulatorOptions options)
    {
        var json = new JsonObject { ["name"] = service.Id };
        WithOptional(json, "description", service.Description);
        json["tags"] = Strings(service.Tags);
        json["billing"] = new JsonObject { ["deploymentPlan"] = service.Plan };
        json["ports"] = Ports(service, project);
        var environment = new JsonObject();
        foreach (var (name, value) in service.Environment)
        {
            environment[name] = value;
        }

        json["runtimeEnvironment"] = environment;
        json["serviceType"] = "deployment";
        var external = new JsonObject { ["imagePath"] = service.ImagePath };
        WithOptional(external, "credentials", service.Credentials);
        var deployment = new JsonObject
        {
            ["instances"] = service.Instances,
            ["docker"] = Docker(service.Docker),
            ["storage"] = Storage(service),
            ["external"] = external,
        };
        WithOptional(deployment, "metadata", service.Metadata?.DeepClone());
        json["deployment"] = deployment;
        json["id"] = service.Id;
        json["appId"] = AppId(service, options);
        json["projectId"] = service.ProjectId;
        json["servicePaused"] = service.Paused;
        json["cluster"] = Cluster(options);
        json["createdAt"] = Time(service.CreatedAt);
        json["updatedAt"] = Time(service.UpdatedAt);
        json["status"] = Status(status);
        return json;
    }

    public static JsonObject Volume(VolumeRecord volume) => new()
    {
        ["id"] = volume.Id,
        ["name"] = volume.Id,
        ["tags"] = Strings(volume.Tags),
        ["spec"] = new JsonObject
        {
            ["accessMode"] = volume.AccessMode,
            ["storageClassName"] = volume.StorageClassName,
            ["storageSize"] = volume.StorageSize,
        },
        ["mounts"] = new JsonArray([.. volume.Mounts.Select(m => (JsonNode)WithOptional(
            new JsonObject { ["containerMountPath"] = m.ContainerMountPath }, "volumeMountPath", m.VolumeMountPath))]),
        ["attachedObjects"] = new JsonArray([.. volume.AttachedServices.Select(id =>
            (JsonNode)new JsonObject { ["id"] = id, ["type"] = "service" })]),
        ["status"] = volume.AttachedServices.Count > 0 ? "ATTACHED" : "DETACHED",
        ["createdAt"] = Time(volume.CreatedAt),
        ["updatedAt"] = Time(volume.UpdatedAt),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static JsonObject WithOptional(JsonObject json, string name, JsonNode? value, params (string Name, JsonNode Value)[] then)
    {
        if (value is not null)
        {
            json[name] = value;
        }

        foreach (var (thenName, thenValue) in then)
        {
            json[thenName] = thenValue;
        }

        return json;
    }

    private static JsonObject WithOptional(JsonObject json, string name, string? value) =>
        value is null ? json : WithOptional(json, name, JsonValue.Create(value));
}
