using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

internal static class ProjectEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        var store = runtime.Store;

        // A token limited to some projects sees only those, as a Northflank API token with project restrictions does.
        app.MapGet("/v1/projects", async context =>
        {
            var token = ApiIo.Token(context);
            var (page, pagination) = Pagination.Apply(context, store.ListProjects(token.Allows), runtime.Options.DefaultPageSize);
            await ApiIo.WriteDataAsync(context, new JsonObject { ["projects"] = new JsonArray([.. page]) }, pagination);
        });

        app.MapPost("/v1/projects", context => CreateProject(context, store, upsert: false));
        app.MapPut("/v1/projects", context => CreateProject(context, store, upsert: true));

        app.MapGet("/v1/projects/{projectId}", context =>
            ApiIo.WriteDataAsync(context, store.GetProject(ApiIo.Route(context, "projectId"))));

        app.MapGet("/v1/plans", context =>
            ApiIo.WriteDataAsync(context, new JsonObject { ["plans"] = new JsonArray([.. store.ListPlans()]) }));
    }

    private static async Task CreateProject(HttpContext context, SimulatorStore store, bool upsert)
    {
        var body = await ApiIo.ReadObjectAsync(context);
        var name = BodyReader.String(body, "name", required: true)!;
        if (!ApiIo.Token(context).Allows(name))
        {
            throw ApiException.Forbidden($"this API token may not manage project '{name}'");
        }

        var result = store.CreateProject(name, BodyReader.String(body, "description"), BodyReader.String(body, "color"), upsert);
        await ApiIo.WriteDataAsync(context, result);
    }
}
