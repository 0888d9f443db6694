using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

internal static class VolumeEndpoints
{
    private const string Volumes = "/v1/projects/{projectId}/volumes";
    private const string Volume = "/v1/projects/{projectId}/volumes/{volumeId}";

    public static void Map(IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        var store = runtime.Store;
        static (string Project, string Volume) Ids(HttpContext c) => (ApiIo.Route(c, "projectId"), ApiIo.Route(c, "volumeId"));

        // The client types this list's data as a bare array of volumes, unlike the other lists' named arrays.
        app.MapGet(Volumes, async context =>
        {
            var volumes = store.ListVolumes(ApiIo.Route(context, "projectId"));
            var (page, pagination) = Pagination.Apply(context, volumes, runtime.Options.DefaultPageSize);
            await ApiIo.WriteDataAsync(context, new JsonArray([.. page]), pagination);
        });

        app.MapPost(Volumes, async context =>
        {
            var input = RequestParsers.Volume(await ApiIo.ReadObjectAsync(context));
            await ApiIo.WriteDataAsync(context, store.CreateVolume(ApiIo.Route(context, "projectId"), input));
        });

        app.MapGet(Volume, context =>
        {
            var (project, volume) = Ids(context);
            return ApiIo.WriteDataAsync(context, store.GetVolume(project, volume));
        });

        app.MapDelete(Volume, context =>
        {
            var (project, volume) = Ids(context);
            store.DeleteVolume(project, volume);
            return ApiIo.WriteEmptyAsync(context);
        });

        // attach-volume.md lists both nfObject and owningObject, neither required; the simulator needs one of them.
        app.MapPost($"{Volume}/attach", async context =>
        {
            var body = await ApiIo.ReadObjectAsync(context);
            BodySchema.Check(body, "", ["nfObject", "owningObject"], [], Pages.AttachVolume);
            var field = body.ContainsKey("nfObject") ? "nfObject" : "owningObject";
            var reference = BodyReader.Object(body, field) ?? throw ApiException.BadRequest("nfObject", "is required");
            var (project, volume) = Ids(context);
            store.AttachVolume(project, volume, RequestParsers.ServiceReference(reference, field, Pages.AttachVolume));
            await ApiIo.WriteEmptyAsync(context);
        });

        app.MapPost($"{Volume}/detach", async context =>
        {
            const string page = "project/volumes/detach-volume.md";
            var body = await ApiIo.ReadObjectAsync(context);
            BodySchema.Check(body, "", ["nfObject"], [], page);
            var reference = BodyReader.Object(body, "nfObject", required: true)!;
            var (project, volume) = Ids(context);
            store.DetachVolume(project, volume, RequestParsers.ServiceReference(reference, "nfObject", page));
            await ApiIo.WriteEmptyAsync(context);
        });
    }
}
