using System.Globalization;
using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

/// <summary>
/// Answers for projects, plans and volumes, and helpers shared with <see cref="ServiceViews"/>: each carries only
/// the fields its reference page lists (and the simulator has data for).
/// </summary>
internal static class Views
{
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string AppId(ServiceRecord service, SimulatorOptions options) =>
        $"/{options.TeamId}/{service.ProjectId}/{service.Id}";

    /// <summary>Public ports get <c>&lt;port&gt;--&lt;service&gt;--&lt;project dns id&gt;.code.run</c>, as Northflank's do.</summary>
    public static string? Dns(PortRecord port, ServiceRecord service, ProjectRecord project) =>
        port.Public ? $"{port.Name.ToLowerInvariant()}--{service.Id}--{project.DnsId}.code.run" : null;

    public static JsonObject Cluster(SimulatorOptions options) =>
        new() { ["id"] = $"nf-{options.Region}", ["name"] = $"nf-{options.Region}", ["namespace"] = "simulator" };

    public static JsonObject ProjectListItem(ProjectRecord project) => WithOptional(
        new JsonObject { ["id"] = project.Id, ["name"] = project.Name }, "description", project.Description);

    public static JsonObject ProjectCreated(ProjectRecord project, SimulatorOptions options)
    {
        var json = new JsonObject { ["id"] = project.Id, ["name"] = project.Name };
        WithOptional(json, "description", project.Description);
        WithOptional(json, "color", project.Color);
        json["region"] = options.Region;
        json["createdAt"] = Time(project.CreatedAt);
        json["updatedAt"] = Time(project.UpdatedAt);
        return json;
    }

    public static JsonObject Project(ProjectRecord project, SimulatorOptions options, IEnumerable<JsonObject> services)
    {
        var json = new JsonObject { ["id"] = project.Id, ["name"] = project.Name };
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
        new JsonObject { ["id"] = service.Id, ["appId"] = AppId(service, options), ["name"] = service.Name },
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

    /// <summary>create-volume, get-volume and list-volumes answer the same fields; none of them lists mounts.</summary>
    public static JsonObject Volume(VolumeRecord volume) => new()
    {
        ["id"] = volume.Id,
        ["name"] = volume.Name,
        ["tags"] = Strings(volume.Tags),
        ["spec"] = new JsonObject
        {
            ["accessMode"] = volume.AccessMode,
            ["storageClassName"] = volume.StorageClassName,
            ["storageSize"] = volume.StorageSize,
        },
        ["attachedObjects"] = new JsonArray([.. volume.AttachedServices.Select(id =>
            (JsonNode)new JsonObject { ["id"] = id, ["type"] = "service" })]),
        ["status"] = volume.AttachedServices.Count > 0 ? "ATTACHED" : "DETACHED",
        ["createdAt"] = Time(volume.CreatedAt),
        ["updatedAt"] = Time(volume.UpdatedAt),
    };

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    public static JsonObject WithOptional(JsonObject json, string name, JsonNode? value, params (string Name, JsonNode Value)[] then)
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

    public static JsonObject WithOptional(JsonObject json, string name, string? value) =>
        value is null ? json : WithOptional(json, name, JsonValue.Create(value));
}
