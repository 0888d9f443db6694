using System.Text.Json;
using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>Turns client request bodies (CreateServiceDeploymentData and friends) into simulator inputs.</summary>
internal static class RequestParsers
{
    /// <summary>
    /// <paramref name="full"/>: a POST/PUT body, where name, billing.deploymentPlan, deployment.instances and
    /// deployment.external.imagePath are required. A PATCH body may leave anything out.
    /// </summary>
    public static ServiceInput Service(JsonObject body, bool full)
    {
        var billing = BodyReader.Object(body, "billing", required: full);
        var deployment = BodyReader.Object(body, "deployment", required: full);
        if (deployment?["internal"] is not null)
        {
            throw ApiException.BadRequest("deployment.internal", "the simulator deploys external images only; use deployment.external");
        }

        var external = deployment is null ? null : BodyReader.Object(deployment, "external", "deployment", required: full);
        var docker = deployment is null ? null : BodyReader.Object(deployment, "docker", "deployment");
        var storage = deployment is null ? null : BodyReader.Object(deployment, "storage", "deployment");
        var ephemeral = storage is null ? null : BodyReader.Object(storage, "ephemeralStorage", "deployment.storage");
        var ports = BodyReader.Array(body, "ports");
        var environment = BodyReader.Object(body, "runtimeEnvironment");
        var createOptions = BodyReader.Object(body, "createOptions");
        var imagePath = external is null ? null : BodyReader.String(external, "imagePath", "deployment.external", required: full);
        if (imagePath is { Length: 0 })
        {
            throw ApiException.BadRequest("deployment.external.imagePath", "must not be empty");
        }

        return new ServiceInput
        {
            Name = BodyReader.String(body, "name", required: full),
            Description = BodyReader.String(body, "description"),
            Tags = BodyReader.StringList(body, "tags"),
            Plan = billing is null ? null : BodyReader.String(billing, "deploymentPlan", "billing", required: full),
            Instances = deployment is null ? null : BodyReader.Int(deployment, "instances", "deployment", required: full),
            ImagePath = imagePath,
            Credentials = external is null ? null : BodyReader.String(external, "credentials", "deployment.external"),
            Docker = docker is null ? null : new DockerSettings(
                BodyReader.String(docker, "configType", "deployment.docker", required: true)!,
                BodyReader.String(docker, "customEntrypoint", "deployment.docker"),
                BodyReader.String(docker, "customCommand", "deployment.docker")),
            EphemeralStorageSize = ephemeral is null ? null : BodyReader.Int(ephemeral, "storageSize", "deployment.storage.ephemeralStorage"),
            Metadata = deployment is null ? null : BodyReader.Object(deployment, "metadata", "deployment"),
            Ports = ports is null ? null : Ports(ports, "ports"),
            Environment = environment is null ? null : Environment(environment, "runtimeEnvironment"),
            VolumesToAttach = createOptions is null ? null : BodyReader.StringList(createOptions, "volumesToAttach", "createOptions"),
        };
    }

    public static List<PortInput> Ports(JsonArray ports, string path)
    {
        var result = new List<PortInput>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = BodyReader.Element(ports, i, path);
            var at = $"{path}[{i}]";
            result.Add(new PortInput(
                BodyReader.String(port, "id", at),
                BodyReader.String(port, "name", at, required: true)!,
                BodyReader.Int(port, "internalPort", at, required: true)!.Value,
                BodyReader.Bool(port, "public", at) ?? false,
                BodyReader.String(port, "protocol", at, required: true)!));
        }

        return result;
    }

    /// <summary>Values must be strings, as Northflank stores environment variables as text.</summary>
    public static Dictionary<string, string> Environment(JsonObject environment, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            result[name] = value is not null && value.GetValueKind() == JsonValueKind.String
                ? value.GetValue<string>()
                : throw ApiException.BadRequest($"{path}.{name}", "must be a string");
        }

        return result;
    }

    public static VolumeInput Volume(JsonObject body)
    {
        var spec = BodyReader.Object(body, "spec", required: true)!;
        var mounts = BodyReader.Array(body, "mounts", required: true)!;
        var attached = BodyReader.Array(body, "attachedObjects") ?? [];
        return new VolumeInput(
            BodyReader.String(body, "name", required: true)!,
            BodyReader.StringList(body, "tags") ?? [],
            [.. mounts.Select((_, i) =>
            {
                var mount = BodyReader.Element(mounts, i, "mounts");
                return (BodyReader.String(mount, "containerMountPath", $"mounts[{i}]", required: true)!,
                    BodyReader.String(mount, "volumeMountPath", $"mounts[{i}]"));
            })],
            BodyReader.String(spec, "accessMode", "spec", required: true)!,
            BodyReader.String(spec, "storageClassName", "spec"),
            BodyReader.Int(spec, "storageSize", "spec", required: true)!.Value,
            [.. attached.Select((_, i) => ServiceReference(BodyReader.Element(attached, i, "attachedObjects"), $"attachedObjects[{i}]"))]);
    }

    /// <summary>An <c>{id, type}</c> reference; only services are simulated.</summary>
    public static string ServiceReference(JsonObject reference, string path)
    {
        var type = BodyReader.String(reference, "type", path, required: true);
        return type == "service"
            ? BodyReader.String(reference, "id", path, required: true)!
            : throw ApiException.BadRequest($"{path}.type", $"'{type}' is not supported by the simulator; use 'service'");
    }
}
