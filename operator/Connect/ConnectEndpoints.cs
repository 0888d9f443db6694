using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using SandboxOperator.Northflank;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Connect;

/// <summary>
/// The HTTP face of the connect API: discovery, and exec and log under
/// <c>/apis/connect.sandbox.northflank.com/v1alpha1/namespaces/{ns}/sandboxes/{name}/{exec|log}</c>. Every <c>/apis</c>
/// request must come through the API server's front proxy (<see cref="RequestHeaderAuthenticator"/>): anything else is
/// 401 before any other work. The decisions live in <see cref="ConnectService"/>; this only reads and writes HTTP.
/// </summary>
public static class ConnectEndpoints
{
    public static void Map(WebApplication app, IServiceProvider operatorServices)
    {
        var service = operatorServices.GetRequiredService<ConnectService>();
        var headers = operatorServices.GetRequiredService<IRequestHeaderSource>();
        var time = operatorServices.GetRequiredService<TimeProvider>();
        app.UseWebSockets();
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/readyz", () => "ok");
        app.MapGet("/livez", () => "ok");
        app.MapGet("/apis/" + ConnectApi.Group, async context =>
        {
            if (await AuthenticateAsync(context, headers, time) is not null)
            {
                await WriteJsonAsync(context, 200, ConnectApi.ApiGroup());
            }
        });
        app.MapGet("/apis/" + ConnectApi.GroupVersion, async context =>
        {
            if (await AuthenticateAsync(context, headers, time) is not null)
            {
                await WriteJsonAsync(context, 200, ConnectApi.ResourceList());
            }
        });
        app.Map(ConnectApi.SubresourceRoute, context => ServeAsync(context, service, headers, time));
    }

    private static async Task ServeAsync(HttpContext context, ConnectService service, IRequestHeaderSource headers, TimeProvider time)
    {
        var values = context.Request.RouteValues;
        var subresource = values["subresource"] as string ?? "";
        if (subresource is not (ConnectApi.Exec or ConnectApi.Log))
        {
            await WriteJsonAsync(context, 404, ConnectStatus.Http(404, "NotFound", $"the server could not find the requested resource (sandboxes/{subresource})"));
            return;
        }

        if (await AuthenticateAsync(context, headers, time) is not { } user)
        {
            return;
        }

        var request = new ConnectRequest(user, values["namespace"] as string ?? "", values["name"] as string ?? "", subresource);
        using var activity = ConnectMetrics.Source.StartActivity($"connect {subresource}", ActivityKind.Server);
        activity?.SetTag("sandbox.namespace", request.Namespace);
        activity?.SetTag("sandbox.name", request.Name);
        try
        {
            await (subresource == ConnectApi.Exec ? ExecAsync(context, service, request) : LogAsync(context, service, request));
            service.Metrics.Count(subresource, "served");
        }
        catch (ConnectRefusedException refused) when (!context.Response.HasStarted)
        {
            service.Metrics.Count(subresource, refused.Reason);
            activity?.SetStatus(ActivityStatusCode.Error, refused.Reason);
            if (refused.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await WriteJsonAsync(context, refused.Code, ConnectStatus.Http(refused.Code, refused.Reason, refused.Message));
        }
    }

    private static async Task ExecAsync(HttpContext context, ConnectService service, ConnectRequest request)
    {
        var options = ExecOptions.Parse(name => Query(context, name));
        var protocol = context.WebSockets.IsWebSocketRequest ? ChannelProtocol.Negotiate(context.WebSockets.WebSocketRequestedProtocols) : null;
        if (protocol is null)
        {
            throw ConnectRefusedException.BadRequest(
                $"exec needs a WebSocket upgrade with subprotocol {ChannelProtocol.V5} or {ChannelProtocol.V4} (SPDY is not served)");
        }

        var (sandbox, target) = await service.PrepareAsync(request, context.RequestAborted);
        await using var remote = await service.OpenExecAsync(request, sandbox, target, options, context.RequestAborted);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        await new ExecBridge(socket, protocol, options, remote).RunAsync(context.RequestAborted);
    }

    private static async Task LogAsync(HttpContext context, ConnectService service, ConnectRequest request)
    {
        var options = LogOptions.Parse(name => Query(context, name));
        var (_, target) = await service.PrepareAsync(request, context.RequestAborted);
        var writer = new LogWriter(service, target, options, TimeProvider.System);
        await writer.WriteAsync(
            async () =>
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.StartAsync(context.RequestAborted);
            },
            async text =>
            {
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            },
            context.RequestAborted);
    }

    /// <summary>The user, or null after answering 401: no proxy certificate that chains to the request-header CA, or no user header.</summary>
    private static async Task<ConnectUser?> AuthenticateAsync(HttpContext context, IRequestHeaderSource source, TimeProvider time)
    {
        var config = await source.GetAsync(context.RequestAborted);
        var certificate = await context.Connection.GetClientCertificateAsync(context.RequestAborted);
        var headers = context.Request.Headers.Select(h => KeyValuePair.Create(h.Key, (IReadOnlyList<string>)[.. h.Value.Where(v => v is not null).Select(v => v!)])).ToList();
        var user = RequestHeaderAuthenticator.Authenticate(config, certificate, headers, time.GetUtcNow());
        if (user is null)
        {
            await WriteJsonAsync(context, 401, ConnectStatus.Http(401, "Unauthorized", "Unauthorized"));
        }

        return user;
    }

    private static IReadOnlyList<string> Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out StringValues values) ? [.. values.Where(v => v is not null).Select(v => v!)] : [];

    private static async Task WriteJsonAsync(HttpContext context, int code, string json)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }
}
