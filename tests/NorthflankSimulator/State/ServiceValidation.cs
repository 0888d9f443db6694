using System.Text.Json;
using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

/// <summary>The rules of put/create/patch-deployment-service.md for every field the simulator models.</summary>
internal static class ServiceValidation
{
    public static readonly IReadOnlyList<string> PortProtocols = ["HTTP", "HTTP/2", "TCP", "UDP"];
    public static readonly IReadOnlyList<string> PublicProtocols = ["HTTP", "HTTP/2"];
    public static readonly IReadOnlyList<string> DockerConfigTypes =
        ["default", "customEntrypoint", "customCommand", "customEntrypointCustomCommand"];

    /// <summary>Choice: the reference gives no range for ephemeral storage (MB); Northflank's default is 1024.</summary>
    public const int MinEphemeralStorage = 1024;
    public const int MaxEphemeralStorage = 102400;

    /// <summary>Choice: the reference gives no rule for environment variable names; POSIX portable names.</summary>
    public const string EnvironmentNamePattern = "^[A-Za-z_][A-Za-z0-9_]*$";

    public const int MinExpirySeconds = 300;
    public const int MaxExpirySeconds = 604800;

    /// <summary>Checks every field present in a fixed order (the reference's field order), reporting the first broken one.</summary>
    public static void Validate(ServiceInput input, SimulatorOptions options, string page)
    {
        if (input.Name is not null)
        {
            Validation.ServiceName("name", input.Name);
        }

        if (input.Description is not null)
        {
            Validation.Description("description", input.Description, page);
        }

        if (input.Tags is not null)
        {
            Validation.Tags("tags", input.Tags, options.EffectiveTeamTags, page);
        }

        if (input.Plan is not null)
        {
            Validation.Plan("billing.deploymentPlan", input.Plan, options.EffectivePlans, page);
        }

        ValidateDeployment(input, page);
        if (input.Ports is not null)
        {
            Ports("ports", input.Ports, page);
        }

        if (input.Environment is not null)
        {
            Environment("runtimeEnvironment", input.Environment);
        }

        for (var i = 0; i < (input.VolumesToAttach?.Count ?? 0); i++)
        {
            Validation.Text($"createOptions.volumesToAttach[{i}]", input.VolumesToAttach![i], ReferencePatterns.ShortName, 3, 39, page);
        }

        if (input.ExpirySeconds is { } expiry)
        {
            Validation.Range("createOptions.expiryTime", expiry, MinExpirySeconds, MaxExpirySeconds, page);
        }
    }

    private static void ValidateDeployment(ServiceInput input, string page)
    {
        if (input.Instances is { } instances)
        {
            Validation.Instances("deployment.instances", instances);
        }

        if (input.ImagePath is not null)
        {
            ImagePath("deployment.external.imagePath", input.ImagePath, page);
        }

        if (input.Credentials is not null)
        {
            Validation.Text("deployment.external.credentials", input.Credentials, ReferencePatterns.ObjectId, 1, int.MaxValue, page);
        }

        if (input.Docker is not null)
        {
            Docker("deployment.docker", input.Docker, page);
        }

        if (input.EphemeralStorageSize is { } size)
        {
            EphemeralStorage("deployment.storage.ephemeralStorage.storageSize", size);
        }

        if (input.Metadata is not null)
        {
            Metadata("deployment.metadata", input.Metadata);
        }
    }

    /// <summary>A tag (<c>:1.27</c>) or digest (<c>@sha256:...</c>) is required; the host only for other registries than Docker Hub.</summary>
    public static void ImagePath(string field, string imagePath, string page)
    {
        if (!ReferencePatterns.Matches(ReferencePatterns.ImagePath, imagePath))
        {
            throw ApiException.BadRequest(field,
                $"'{imagePath}' does not match {ReferencePatterns.ImagePath}: a tag or digest is required ({page})");
        }
    }

    /// <summary>The field descriptions say which custom fields each config type requires.</summary>
    public static void Docker(string field, DockerSettings docker, string page)
    {
        Validation.OneOf($"{field}.configType", docker.ConfigType, DockerConfigTypes, page);
        if (docker.ConfigType is "customEntrypoint" or "customEntrypointCustomCommand" && docker.CustomEntrypoint is null)
        {
            throw ApiException.BadRequest($"{field}.customEntrypoint", $"is required when configType is {docker.ConfigType} ({page})");
        }

        if (docker.ConfigType is "customCommand" or "customEntrypointCustomCommand" && docker.CustomCommand is null)
        {
            throw ApiException.BadRequest($"{field}.customCommand", $"is required when configType is {docker.ConfigType} ({page})");
        }
    }

    public static void EphemeralStorage(string field, int size) =>
        Validation.Range(field, size, MinEphemeralStorage, MaxEphemeralStorage, "MB; the simulator's range, a choice");

    /// <summary>Choice: labels and annotations are objects of string values, as Kubernetes metadata is.</summary>
    public static void Metadata(string field, JsonNode metadata)
    {
        if (metadata is not JsonObject json)
        {
            throw ApiException.BadRequest(field, "must be an object");
        }

        foreach (var (name, value) in json)
        {
            if (name is not ("labels" or "annotations"))
            {
                throw ApiException.BadRequest($"{field}.{name}", "is not a field of deployment.metadata (labels, annotations)");
            }

            if (value is not JsonObject entries)
            {
                throw ApiException.BadRequest($"{field}.{name}", "must be an object");
            }

            foreach (var (key, entry) in entries)
            {
                if (entry is null || entry.GetValueKind() != JsonValueKind.String)
                {
                    throw ApiException.BadRequest($"{field}.{name}.{key}", "must be a string (the simulator's choice)");
                }
            }
        }
    }

    /// <summary>
    /// Names, numbers and protocols from the reference; public ports only for HTTP and HTTP/2 (guides/network.md).
    /// Unique names (case-insensitively, as they become DNS labels) and numbers are the simulator's choice.
    /// </summary>
    public static void Ports(string field, IReadOnlyList<PortInput> ports, string page)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var numbers = new HashSet<int>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var at = $"{field}[{i}]";
            if (port.Id is not null)
            {
                Validation.Text($"{at}.id", port.Id, ReferencePatterns.PortId, 1, int.MaxValue, Pages.UpdatePorts);
            }

            Validation.Text($"{at}.name", port.Name, ReferencePatterns.ShortName, 1, 8, page);
            Validation.Range($"{at}.internalPort", port.InternalPort, 1, 65535, "TCP/UDP port numbers, a choice");
            Validation.OneOf($"{at}.protocol", port.Protocol, PortProtocols, page);
            if (port.Public && !PublicProtocols.Contains(port.Protocol))
            {
                throw ApiException.BadRequest($"{at}.public",
                    $"a {port.Protocol} port cannot be public: only HTTP and HTTP/2 ports can be publicly exposed ({Pages.Network})");
            }

            if (!names.Add(port.Name))
            {
                throw ApiException.BadRequest($"{at}.name", $"duplicate port name '{port.Name}' (the simulator's choice)");
            }

            if (!numbers.Add(port.InternalPort))
            {
                throw ApiException.BadRequest($"{at}.internalPort", $"duplicate port number {port.InternalPort} (the simulator's choice)");
            }
        }
    }

    /// <summary>Names only in messages: values may be secrets.</summary>
    public static void Environment(string field, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var name in environment.Keys)
        {
            if (!ReferencePatterns.Matches(EnvironmentNamePattern, name))
            {
                throw ApiException.BadRequest($"{field}.{name}", $"is not a valid variable name: the simulator requires {EnvironmentNamePattern} (a choice)");
            }
        }
    }
}
