using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>Scale, pause, resume, restart, ports and runtime environment of one service.</summary>
internal static class ServiceActionEndpoints
{
    private const string Service = "/v1/projects/{projectId}/services/{serviceId}";

    public static void Map(IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        var store = runtime.Store;
        static (string Project, string Service) Ids(HttpContext c) => (ApiIo.Route(c, "projectId"), ApiIo.Route(c, "serviceId"));

        app.MapPost($"{Service}/scale", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            var storage = BodyReader.Object(body, "storage");
            var ephemeral = storage is null ? null : BodyReader.Object(storage, "ephemeralStorage", "storage");
            var (project, service) = Ids(context);
            store.Scale(project, service, BodyReader.Int(body, "instances"), BodyReader.String(body, "deploymentPlan"),
                ephemeral is null ? null : BodyReader.Int(ephemeral, "storageSize", "storage.ephemeralStorage"));
            await ApiIo.WriteEmptyAsync(context);
        });

        app.MapPost($"{Service}/pause", context =>
        {
            var (project, service) = Ids(context);
            store.Pause(project, service);
            return ApiIo.WriteEmptyAsync(context);
        });

        app.MapPost($"{Service}/resume", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            var (project, service) = Ids(context);
            store.Resume(project, service, BodyReader.Int(body, "instances"));
            await ApiIo.WriteEmptyAsync(context);
        });

        app.MapPost($"{Service}/restart", context =>
        {
            var (project, service) = Ids(context);
            store.Restart(project, service);
            return ApiIo.WriteEmptyAsync(context);
        });

        app.MapGet($"{Service}/ports", context =>
        {
            var (project, service) = Ids(context);
            return ApiIo.WriteDataAsync(context, store.GetPorts(project, service));
        });

        app.MapPost($"{Service}/ports", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            var ports = RequestParsers.Ports(BodyReader.Array(body, "ports", required: true)!, "ports");
            var (project, service) = Ids(context);
            await ApiIo.WriteDataAsync(context, store.ReplacePorts(project, service, ports));
        });

        app.MapGet($"{Service}/runtime-environment", context =>
        {
            var (project, service) = Ids(context);
            return ApiIo.WriteDataAsync(context, store.GetEnvironment(project, service));
        });

        app.MapPost($"{Service}/runtime-environment", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            var environment = RequestParsers.Environment(
                BodyReader.Object(body, "runtimeEnvironment", required: true)!, "runtimeEnvironment");
            var (project, service) = Ids(context);
            await ApiIo.WriteDataAsync(context, store.SetEnvironment(project, service, environment));
        });
    }
}
