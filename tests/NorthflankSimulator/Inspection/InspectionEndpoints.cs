using System.Text.Json;
using System.Text.Json.Serialization;

namespace NorthflankSimulator.Inspection;

/// <summary>
/// The test-facing API under /_sim: no authentication, never under /v1, never a token or an environment value.
/// </summary>
internal static class InspectionEndpoints
{
    public const string Prefix = "/_sim";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Map(IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        app.MapGet($"{Prefix}/requests", () => Results.Json(runtime.Requests.Requests(), Json));
        app.MapDelete($"{Prefix}/requests", () =>
        {
            runtime.Requests.Clear();
            return Results.NoContent();
        });
        app.MapGet($"{Prefix}/counts", () => Results.Json(runtime.Requests.Counts(), Json));
        app.MapGet($"{Prefix}/state", () => Results.Json(runtime.Store.Snapshot(), Json));
        app.MapGet($"{Prefix}/faults", () => Results.Json(runtime.Faults.Options, Json));
        app.MapPut($"{Prefix}/faults", async (HttpContext context) =>
        {
            var faults = await context.Request.ReadFromJsonAsync<FaultOptions>(Json, context.RequestAborted);
            return Apply(() => runtime.Faults.Configure(faults ?? new FaultOptions()), () => runtime.Faults.Options);
        });
        app.MapGet($"{Prefix}/rate-limit", () => Results.Json(runtime.RateLimiter.Options, Json));
        app.MapPut($"{Prefix}/rate-limit", async (HttpContext context) =>
        {
            var limit = await context.Request.ReadFromJsonAsync<RateLimitOptions>(Json, context.RequestAborted);
            return Apply(() => runtime.RateLimiter.Configure(limit ?? new RateLimitOptions()), () => runtime.RateLimiter.Options);
        });
        app.MapPost($"{Prefix}/reset", () =>
        {
            runtime.Reset();
            return Results.NoContent();
        });
    }

    private static IResult Apply<T>(Action change, Func<T> current)
    {
        try
        {
            change();
            return Results.Json(current(), Json);
        }
        catch (ArgumentException e)
        {
            return Results.Json(new { error = e.Message }, Json, statusCode: 400);
        }
    }
}
