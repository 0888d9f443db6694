using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

internal enum ServiceBody
{
    Create,
    Put,
    Patch,
}

/// <summary>
/// Turns create/put/patch-deployment-service bodies into <see cref="ServiceInput"/>, refusing fields the simulator
/// does not model. On POST and PUT, name, billing.deploymentPlan, deployment.instances and
/// deployment.external.imagePath are required (billing, deployment and external are the simulator's choice: the
/// reference does not mark them required, but a service without an external image is not simulated). Whenever
/// <c>deployment</c> is given, also on PATCH, its <c>instances</c> is required, as the reference marks it.
/// </summary>
internal static class ServiceParsers
{
    private static readonly string[] UnmodelledTop = ["stageId", "runtimeFiles", "healthChecks", "loadBalancing", "autoscaling"];
    private static readonly string[] UnmodelledDeployment =
        ["type", "buildpack", "strategy", "zonalRedundancy", "gpu", "gracePeriodSeconds", "gradualRolloutStrategyId", "ssh", "internal"];

    public static string PageOf(ServiceBody kind) => kind switch
    {
        ServiceBody.Create => Pages.CreateService,
        ServiceBody.Put => Pages.PutService,
        _ => Pages.PatchService,
    };

    public static ServiceInput Parse(JsonObject body, ServiceBody kind)
    {
        var page = PageOf(kind);
        var full = kind != ServiceBody.Patch;
        BodySchema.Check(body, "",
            full
                ? ["name", "description", "tags", "billing", "deployment", "ports", "runtimeEnvironment", "createOptions"]
                : ["description", "tags", "billing", "deployment", "ports", "runtimeEnvironment"],
            full ? [.. UnmodelledTop, "infrastructure"] : UnmodelledTop, page);
        var billing = BodyReader.Object(body, "billing", required: full);
        if (billing is not null)
        {
            BodySchema.Check(billing, "billing", ["deploymentPlan"], ["gpu"], page);
        }

        var deployment = BodyReader.Object(body, "deployment", required: full);
        var createOptions = BodyReader.Object(body, "createOptions");
        if (createOptions is not null)
        {
            BodySchema.Check(createOptions, "createOptions", ["volumesToAttach", "expiryTime"], [], page);
        }

        var ports = BodyReader.Array(body, "ports");
        var environment = BodyReader.Object(body, "runtimeEnvironment");
        var input = new ServiceInput
        {
            Name = BodyReader.String(body, "name", required: full),
            Description = BodyReader.String(body, "description"),
            Tags = BodyReader.StringList(body, "tags"),
            Plan = billing is null ? null : BodyReader.String(billing, "deploymentPlan", "billing", required: full),
            Ports = ports is null ? null : RequestParsers.Ports(ports, "ports", withIds: false, page),
            Environment = environment is null ? null : RequestParsers.Environment(environment.Where(e => e.Value is not null), "runtimeEnvironment"),
            EnvironmentRemovals = environment?.Where(e => e.Value is null).Select(e => e.Key).ToList(),
            VolumesToAttach = createOptions is null ? null : BodyReader.StringList(createOptions, "volumesToAttach", "createOptions"),
            ExpirySeconds = createOptions is null ? null : BodyReader.Int(createOptions, "expiryTime", "createOptions"),
        };
        return deployment is null ? input : WithDeployment(input, deployment, full, page);
    }

    private static ServiceInput WithDeployment(ServiceInput input, JsonObject deployment, bool full, string page)
    {
        BodySchema.Check(deployment, "deployment", ["instances", "docker", "storage", "metadata", "external"], UnmodelledDeployment, page);
        var external = BodyReader.Object(deployment, "external", "deployment", required: full);
        if (external is not null)
        {
            BodySchema.Check(external, "deployment.external", ["imagePath", "credentials"], [], page);
            if (external["credentials"] is JsonObject)
            {
                throw ApiException.BadRequest("deployment.external.credentials",
                    $"inline credentials (an object) are not supported by the simulator; give a saved credentials id ({page})");
            }
        }

        var docker = BodyReader.Object(deployment, "docker", "deployment");
        if (docker is not null)
        {
            BodySchema.Check(docker, "deployment.docker", ["configType", "customEntrypoint", "customCommand"], [], page);
        }

        return input with
        {
            Instances = BodyReader.Int(deployment, "instances", "deployment", required: true),
            ImagePath = external is null ? null : BodyReader.String(external, "imagePath", "deployment.external", required: true),
            Credentials = external is null ? null : BodyReader.String(external, "credentials", "deployment.external"),
            Docker = docker is null ? null : new DockerSettings(
                BodyReader.String(docker, "configType", "deployment.docker", required: true)!,
                BodyReader.String(docker, "customEntrypoint", "deployment.docker"),
                BodyReader.String(docker, "customCommand", "deployment.docker")),
            EphemeralStorageSize = EphemeralStorage(deployment, "deployment", ["useHdbStorage", "usePdSsdStorage", "shmSize"], page),
            Metadata = BodyReader.Object(deployment, "metadata", "deployment"),
        };
    }

    /// <summary><c>storage.ephemeralStorage.storageSize</c> under <paramref name="parent"/>, refusing the storage fields not simulated.</summary>
    public static int? EphemeralStorage(JsonObject parent, string path, string[] unmodelled, string page)
    {
        var storagePath = path.Length == 0 ? "storage" : $"{path}.storage";
        var storage = BodyReader.Object(parent, "storage", path);
        if (storage is null)
        {
            return null;
        }

        BodySchema.Check(storage, storagePath, ["ephemeralStorage"], unmodelled, page);
        var ephemeral = BodyReader.Object(storage, "ephemeralStorage", storagePath);
        if (ephemeral is null)
        {
            return null;
        }

        BodySchema.Check(ephemeral, $"{storagePath}.ephemeralStorage", ["storageSize"], [], page);
        return BodyReader.Int(ephemeral, "storageSize", $"{storagePath}.ephemeralStorage");
    }
}
