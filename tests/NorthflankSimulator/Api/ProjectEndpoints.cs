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

        app.MapPost("/v1/projects", context => CreateProject(context, runtime, upsert: false));
        app.MapPut("/v1/projects", context => CreateProject(context, runtime, upsert: true));

        app.MapGet("/v1/projects/{projectId}", context =>
            ApiIo.WriteDataAsync(context, store.GetProject(ApiIo.Route(context, "projectId"))));

        app.MapDelete("/v1/projects/{projectId}", context =>
        {
            var deleteChildObjects = string.Equals(context.Request.Query["delete_child_objects"], "true", StringComparison.OrdinalIgnoreCase);
            runtime.Store.DeleteProject(ApiIo.Route(context, "projectId"), deleteChildObjects);
            return ApiIo.WriteEmptyAsync(context);
        });

        app.MapGet("/v1/plans", context =>
            ApiIo.WriteDataAsync(context, new JsonObject { ["plans"] = new JsonArray([.. store.ListPlans()]) }));
    }

    /// <summary>create-project.md and create-or-update-project.md; the project id is the slug of the name.</summary>
    private static async Task CreateProject(HttpContext context, SimulatorRuntime runtime, bool upsert)
    {
        var body = await ApiIo.ReadObjectAsync(context);
        BodySchema.Check(body, "", ["name", "description", "color", "region"], ["networking", "clusterId"], Pages.CreateProject);
        var name = BodyReader.String(body, "name", required: true)!;
        if (BodyReader.String(body, "region") is { } region && region != runtime.Options.Region)
        {
            throw ApiException.BadRequest("region", $"the simulator has one region, '{runtime.Options.Region}'");
        }

        Validation.ProjectName("name", name);
        var id = ReferencePatterns.Slug(name);
        if (!ApiIo.Token(context).Allows(id))
        {
            throw ApiException.Forbidden($"this API token may not manage project '{id}'");
        }

        var result = runtime.Store.CreateProject(name, BodyReader.String(body, "description"), BodyReader.String(body, "color"), upsert);
        await ApiIo.WriteDataAsync(context, result);
    }
}
