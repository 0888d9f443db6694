using System.Globalization;
using System.Text.Json.Nodes;
using NorthflankSimulator.State;
using NorthflankSimulator.Streaming;

namespace NorthflankSimulator.Api;

/// <summary>
/// get-service-logs.md's range query, and on the same path with a WebSocket upgrade the log tail (log-tailing.md).
/// Also the exec endpoint, which only speaks WebSocket (execute-command.md).
/// </summary>
internal static class LogEndpoints
{
    public const string ExecPath = "/v1/command-exec/projects/{projectId}/services/{serviceId}";
    private const string Logs = "/v1/projects/{projectId}/services/{serviceId}/logs";

    public static void Map(IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        app.MapGet(Logs, async context =>
        {
            if (context.WebSockets.IsWebSocketRequest)
            {
                await LogTailSession.RunAsync(context, runtime);
                return;
            }

            var query = LogQuery.Parse(context.Request.Query, runtime.Store.CurrentTime, tail: false);
            var lines = runtime.Store.ServiceLogLines(ApiIo.Route(context, "projectId"), ApiIo.Route(context, "serviceId"), query.After, query.Until);
            await ApiIo.WriteDataAsync(context, Json(query.Select(lines)));
        });

        app.MapGet(ExecPath, context => context.WebSockets.IsWebSocketRequest
            ? ExecSession.RunAsync(context, runtime)
            : throw ApiException.BadRequest("upgrade", "command execution needs a WebSocket connection (execute-command.md)"));
    }

    /// <summary>get-service-logs.md's items: <c>containerId</c>, <c>log</c>, <c>ts</c> (date-time, milliseconds, UTC).</summary>
    public static JsonArray Json(IEnumerable<LogLine> lines) => new([.. lines.Select(l => (JsonNode)new JsonObject
    {
        ["containerId"] = l.ContainerId,
        ["log"] = l.Log,
        ["ts"] = l.Ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    })]);
}
