using System.Text.Json;
using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>Request body parts shared by several endpoints: ports, runtime environment, volumes, object references.</summary>
internal static class RequestParsers
{
    /// <summary>
    /// <paramref name="withIds"/>: the deprecated update-service-ports.md takes an existing port's <c>id</c>; the
    /// service bodies do not list one.
    /// </summary>
    public static List<PortInput> Ports(JsonArray ports, string path, bool withIds, string page)
    {
        var result = new List<PortInput>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = BodyReader.Element(ports, i, path);
            var at = $"{path}[{i}]";
            BodySchema.Check(port, at,
                withIds ? ["id", "name", "internalPort", "public", "protocol"] : ["name", "internalPort", "public", "protocol"],
                withIds ? ["domains", "security", "disableNfDomain"] : ["security", "domains", "disableNfDomain", "advancedOptions"],
                page);
            result.Add(new PortInput(
                withIds ? BodyReader.String(port, "id", at) : null,
                BodyReader.String(port, "name", at, required: true)!,
                BodyReader.Int(port, "internalPort", at, required: true)!.Value,
                BodyReader.Bool(port, "public", at) ?? false,
                BodyReader.String(port, "protocol", at, required: true)!));
        }

        return result;
    }

    /// <summary>Values must be strings (a choice: Northflank stores environment variables as text).</summary>
    public static Dictionary<string, string> Environment(IEnumerable<KeyValuePair<string, JsonNode?>> environment, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            result[name] = value is not null && value.GetValueKind() == JsonValueKind.String
                ? value.GetValue<string>()
                : throw ApiException.BadRequest($"{path}.{name}", "must be a string (the simulator's choice)");
        }

        return result;
    }

    /// <summary>create-volume.md; <c>owningObject</c> attaches like one more entry of <c>attachedObjects</c>.</summary>
    public static VolumeInput Volume(JsonObject body)
    {
        const string page = Pages.CreateVolume;
        BodySchema.Check(body, "", ["name", "tags", "mounts", "spec", "owningObject", "attachedObjects"], ["stageId", "source"], page);
        var spec = BodyReader.Object(body, "spec", required: true)!;
        BodySchema.Check(spec, "spec", ["accessMode", "storageClassName", "storageSize"], [], page);
        var mounts = BodyReader.Array(body, "mounts") ?? [];
        var attached = BodyReader.Array(body, "attachedObjects") ?? [];
        var services = attached.Select((_, i) => ServiceReference(BodyReader.Element(attached, i, "attachedObjects"), $"attachedObjects[{i}]", page)).ToList();
        if (BodyReader.Object(body, "owningObject") is { } owner)
        {
            services.Add(ServiceReference(owner, "owningObject", page));
        }

        return new VolumeInput(
            BodyReader.String(body, "name", required: true)!,
            BodyReader.StringList(body, "tags") ?? [],
            [.. mounts.Select((_, i) =>
            {
                var mount = BodyReader.Element(mounts, i, "mounts");
                BodySchema.Check(mount, $"mounts[{i}]", ["containerMountPath", "volumeMountPath"], [], page);
                return (BodyReader.String(mount, "containerMountPath", $"mounts[{i}]", required: true)!,
                    BodyReader.String(mount, "volumeMountPath", $"mounts[{i}]"));
            })],
            BodyReader.String(spec, "accessMode", "spec", required: true)!,
            BodyReader.String(spec, "storageClassName", "spec"),
            BodyReader.Int(spec, "storageSize", "spec", required: true)!.Value,
            services);
    }

    /// <summary>An <c>{id, type}</c> reference to a service; jobs are not simulated.</summary>
    public static string ServiceReference(JsonObject reference, string path, string page)
    {
        BodySchema.Check(reference, path, ["id", "type"], [], page);
        var id = BodyReader.String(reference, "id", path, required: true)!;
        var type = BodyReader.String(reference, "type", path, required: true)!;
        Validation.ObjectReference(path, id, type, page);
        return id;
    }
}
