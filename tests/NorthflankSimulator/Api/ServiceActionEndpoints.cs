using NorthflankSimulator.Pipeline;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>Scale, pause, resume, restart, ports and runtime environment of one service.</summary>
internal static class ServiceActionEndpoints
{
    private const string Service = "/v1/projects/{projectId}/services/{serviceId}";

    private static (string Project, string Service) Ids(HttpContext c) => (ApiIo.Route(c, "projectId"), ApiIo.Route(c, "serviceId"));

    public static void Map(IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        var store = runtime.Store;
        app.MapPost($"{Service}/pause", async context =>
        {
            BodySchema.Check(await ApiIo.ReadObjectAsync(context), "", [], [], "project/services/pause-service.md");
            var (project, service) = Ids(context);
            store.Pause(project, service);
            await ApiIo.WriteEmptyAsync(context);
        });

        app.MapPost($"{Service}/resume", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            BodySchema.Check(body, "", ["instances"], ["disabledCI", "disabledCD"], Pages.ResumeService);
            var (project, service) = Ids(context);
            store.Resume(project, service, BodyReader.Int(body, "instances"));
            await ApiIo.WriteEmptyAsync(context);
        });

        app.MapPost($"{Service}/restart", async context =>
        {
            BodySchema.Check(await ApiIo.ReadObjectAsync(context), "", [], [], "project/services/restart-service.md");
            var (project, service) = Ids(context);
            store.Restart(project, service);
            await ApiIo.WriteEmptyAsync(context);
        });

        MapDeprecated(app, store);
        MapRuntimeEnvironment(app, store);
    }

    /// <summary>Endpoints the reference deprecates: they still answer, marked (see <see cref="DeprecatedEndpoint"/>).</summary>
    private static void MapDeprecated(IEndpointRouteBuilder app, SimulatorStore store)
    {
        app.MapPost($"{Service}/scale", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            BodySchema.Check(body, "", ["instances", "deploymentPlan", "storage"], [], Pages.ScaleService);
            var storage = ServiceParsers.EphemeralStorage(body, "", ["useHdbStorage", "usePdSsdStorage"], Pages.ScaleService);
            var (project, service) = Ids(context);
            store.Scale(project, service, BodyReader.Int(body, "instances"), BodyReader.String(body, "deploymentPlan"), storage);
            await ApiIo.WriteEmptyAsync(context);
        }).WithMetadata(new DeprecatedEndpoint("PATCH /v1/projects/{projectId}/services/deployment/{serviceId}"));

        app.MapGet($"{Service}/ports", context =>
        {
            var (project, service) = Ids(context);
            return ApiIo.WriteDataAsync(context, store.GetPorts(project, service));
        }).WithMetadata(new DeprecatedEndpoint("GET /v1/projects/{projectId}/services/{serviceId}"));

        // update-service-ports.md answers an empty object, not the ports.
        app.MapPost($"{Service}/ports", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            BodySchema.Check(body, "", ["ports"], [], Pages.UpdatePorts);
            var ports = RequestParsers.Ports(BodyReader.Array(body, "ports", required: true)!, "ports", withIds: true, Pages.UpdatePorts);
            var (project, service) = Ids(context);
            store.ReplacePorts(project, service, ports);
            await ApiIo.WriteEmptyAsync(context);
        }).WithMetadata(new DeprecatedEndpoint("PATCH /v1/projects/{projectId}/services/deployment/{serviceId}"));
    }

    private static void MapRuntimeEnvironment(IEndpointRouteBuilder app, SimulatorStore store)
    {
        app.MapGet($"{Service}/runtime-environment", context =>
        {
            var (project, service) = Ids(context);
            return ApiIo.WriteDataAsync(context, store.GetEnvironment(project, service));
        });

        // edit-service-runtime-environment.md does not require runtimeEnvironment; without it nothing changes.
        app.MapPost($"{Service}/runtime-environment", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            BodySchema.Check(body, "", ["runtimeEnvironment"], ["runtimeFiles"], "project/services/edit-service-runtime-environment.md");
            var (project, service) = Ids(context);
            var environment = BodyReader.Object(body, "runtimeEnvironment") is { } given
                ? RequestParsers.Environment(given, "runtimeEnvironment")
                : null;
            await ApiIo.WriteDataAsync(context, store.SetEnvironment(project, service, environment));
        });
    }
}
