using System.Text.Json.Nodes;

namespace NorthflankSimulator.Api;

internal static class ServiceEndpoints
{
    private const string Services = "/v1/projects/{projectId}/services";
    private const string Service = "/v1/projects/{projectId}/services/{serviceId}";

    public static void Map(IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        var store = runtime.Store;

        app.MapGet(Services, async context =>
        {
            var services = store.ListServices(ApiIo.Route(context, "projectId"));
            var (page, pagination) = Pagination.Apply(context, services, runtime.Options.DefaultPageSize);
            await ApiIo.WriteDataAsync(context, new JsonObject { ["services"] = new JsonArray([.. page]) }, pagination);
        });

        app.MapPost($"{Services}/deployment", async context =>
        {
            var input = ServiceParsers.Parse(await ApiIo.ReadObjectAsync(context), ServiceBody.Create);
            context.Items[ApiIo.SubjectKey] = input.Name is { } name ? State.ReferencePatterns.Slug(name) : null;
            await ApiIo.WriteDataAsync(context, store.CreateService(ApiIo.Route(context, "projectId"), input, upsert: false));
        });

        app.MapPut($"{Services}/deployment", async context =>
        {
            var input = ServiceParsers.Parse(await ApiIo.ReadObjectAsync(context), ServiceBody.Put);
            context.Items[ApiIo.SubjectKey] = input.Name is { } name ? State.ReferencePatterns.Slug(name) : null;
            await ApiIo.WriteDataAsync(context, store.CreateService(ApiIo.Route(context, "projectId"), input, upsert: true));
        });

        app.MapPatch($"{Services}/deployment/{{serviceId}}", async context =>
        {
            var input = ServiceParsers.Parse(await ApiIo.ReadObjectAsync(context), ServiceBody.Patch);
            await ApiIo.WriteDataAsync(context,
                store.PatchService(ApiIo.Route(context, "projectId"), ApiIo.Route(context, "serviceId"), input));
        });

        app.MapGet(Service, context =>
            ApiIo.WriteDataAsync(context, store.GetService(ApiIo.Route(context, "projectId"), ApiIo.Route(context, "serviceId"))));

        app.MapDelete(Service, context =>
        {
            var deleteChildObjects = string.Equals(context.Request.Query["delete_child_objects"], "true", StringComparison.OrdinalIgnoreCase);
            store.DeleteService(ApiIo.Route(context, "projectId"), ApiIo.Route(context, "serviceId"), deleteChildObjects);
            return ApiIo.WriteEmptyAsync(context);
        });

        // list-service-containers.md, paginated by container name.
        app.MapGet($"{Service}/containers", async context =>
        {
            var containers = store.ListContainers(ApiIo.Route(context, "projectId"), ApiIo.Route(context, "serviceId"));
            var (page, pagination) = Pagination.Apply(context, containers, runtime.Options.DefaultPageSize, key: "name");
            await ApiIo.WriteDataAsync(context, new JsonObject { ["containers"] = new JsonArray([.. page]) }, pagination);
        });
    }
}
