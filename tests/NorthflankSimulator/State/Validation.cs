using System.Text.RegularExpressions;

namespace NorthflankSimulator.State;

/// <summary>
/// Rules the public client types do not pin down, chosen here and documented in the README:
/// names are DNS-label-like slugs (they double as ids), tags are short label-like strings.
/// </summary>
internal static partial class Validation
{
    public const int NameMinLength = 3;
    public const int NameMaxLength = 39;
    public const int MaxTags = 20;
    public const int TagMaxLength = 64;
    public const int MaxInstances = 100;
    public static readonly IReadOnlyList<string> PortProtocols = ["HTTP", "HTTP/2", "TCP", "UDP"];
    public static readonly IReadOnlyList<string> DockerConfigTypes =
        ["default", "customEntrypoint", "customCommand", "customEntrypointCustomCommand"];

    [GeneratedRegex("^[a-z][a-z0-9-]*[a-z0-9]$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex PortNamePattern();

    [GeneratedRegex("^[A-Za-z0-9._:/=-]+$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex EnvironmentNamePattern();

    public static void Name(string field, string name)
    {
        if (name.Length is < NameMinLength or > NameMaxLength)
        {
            throw ApiException.BadRequest(field, $"must be {NameMinLength} to {NameMaxLength} characters long, got {name.Length}");
        }

        if (!NamePattern().IsMatch(name))
        {
            throw ApiException.BadRequest(field,
                $"'{name}' must contain only lowercase letters, digits and dashes, start with a letter and end with a letter or digit");
        }
    }

    public static void Tags(string field, IReadOnlyList<string> tags)
    {
        if (tags.Count > MaxTags)
        {
            throw ApiException.BadRequest(field, $"at most {MaxTags} tags are allowed, got {tags.Count}");
        }

        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            if (tag.Length is 0 or > TagMaxLength || !TagPattern().IsMatch(tag))
            {
                throw ApiException.BadRequest($"{field}[{i}]",
                    $"'{tag}' must be 1 to {TagMaxLength} characters of letters, digits and . _ : / = -");
            }
        }
    }

    public static void Plan(string field, string plan, IReadOnlyList<PlanOptions> plans)
    {
        if (!plans.Any(p => p.Id == plan))
        {
            throw ApiException.BadRequest(field, $"unknown deployment plan '{plan}'; see GET /v1/plans");
        }
    }

    public static void Instances(string field, int instances)
    {
        if (instances is < 0 or > MaxInstances)
        {
            throw ApiException.BadRequest(field, $"must be between 0 and {MaxInstances}, got {instances}");
        }
    }

    public static void DockerConfig(string field, DockerSettings docker)
    {
        if (!DockerConfigTypes.Contains(docker.ConfigType))
        {
            throw ApiException.BadRequest($"{field}.configType",
                $"'{docker.ConfigType}' is not one of {string.Join(", ", DockerConfigTypes)}");
        }
    }

    public static void Ports(string field, IReadOnlyList<PortInput> ports)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<int>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var at = $"{field}[{i}]";
            if (port.Name.Length > 20 || !PortNamePattern().IsMatch(port.Name))
            {
                throw ApiException.BadRequest($"{at}.name",
                    $"'{port.Name}' must be 1 to 20 lowercase letters, digits and dashes, starting with a letter");
            }

            if (port.InternalPort is < 1 or > 65535)
            {
                throw ApiException.BadRequest($"{at}.internalPort", $"must be between 1 and 65535, got {port.InternalPort}");
            }

            if (!PortProtocols.Contains(port.Protocol))
            {
                throw ApiException.BadRequest($"{at}.protocol",
                    $"'{port.Protocol}' is not one of {string.Join(", ", PortProtocols)}");
            }

            if (!names.Add(port.Name))
            {
                throw ApiException.BadRequest($"{at}.name", $"duplicate port name '{port.Name}'");
            }

            if (!numbers.Add(port.InternalPort))
            {
                throw ApiException.BadRequest($"{at}.internalPort", $"duplicate port number {port.InternalPort}");
            }
        }
    }

    public static void Environment(string field, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var name in environment.Keys)
        {
            if (!EnvironmentNamePattern().IsMatch(name))
            {
                throw ApiException.BadRequest($"{field}.{name}", "is not a valid environment variable name");
            }
        }
    }

    public static void Volume(string field, VolumeInput volume)
    {
        Name($"{field}.name", volume.Name);
        Tags($"{field}.tags", volume.Tags);
        if (volume.AccessMode is not ("ReadWriteOnce" or "ReadWriteMany"))
        {
            throw ApiException.BadRequest($"{field}.spec.accessMode", $"'{volume.AccessMode}' is not one of ReadWriteOnce, ReadWriteMany");
        }

        if (volume.StorageSize < 1)
        {
            throw ApiException.BadRequest($"{field}.spec.storageSize", $"must be a positive number of MB, got {volume.StorageSize}");
        }

        if (volume.Mounts.Count == 0)
        {
            throw ApiException.BadRequest($"{field}.mounts", "at least one mount is required");
        }

        for (var i = 0; i < volume.Mounts.Count; i++)
        {
            if (!volume.Mounts[i].ContainerMountPath.StartsWith('/'))
            {
                throw ApiException.BadRequest($"{field}.mounts[{i}].containerMountPath", "must be an absolute path");
            }
        }
    }
}
