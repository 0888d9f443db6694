using System.Net.WebSockets;
using System.Text.Json.Nodes;
using NorthflankSimulator.Api;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Streaming;

/// <summary>
/// A log tail (log-tailing.md, the official client's LogsClient): after the init handshake the server answers
/// <c>{"type":"init","data":{"auth":"successful"}}</c>, sends the most recent <c>lineLimit</c> lines since
/// <c>startTime</c> (oldest first) as one <c>log-lines</c> batch, then every <see cref="LogOptions.TailBatchInterval"/>
/// a batch of the lines that appeared since, until the client closes. A deleted service ends the tail with an
/// <c>error</c> frame (404) and close 1000.
/// </summary>
internal static class LogTailSession
{
    public static async Task RunAsync(HttpContext context, SimulatorRuntime runtime)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var channel = new WebSocketChannel(socket);
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        if (await StreamHandshake.AcceptAsync(context, channel, runtime, session.Token) is null)
        {
            return;
        }

        var (projectId, serviceId) = (ApiIo.Route(context, "projectId"), ApiIo.Route(context, "serviceId"));
        LogQuery query;
        List<LogLine> lines;
        try
        {
            query = LogQuery.Parse(context.Request.Query, runtime.Store.CurrentTime, tail: true);
            lines = runtime.Store.ServiceLogLines(projectId, serviceId, query.After, query.Until);
        }
        catch (ApiException error)
        {
            await StreamHandshake.RefuseAsync(context, channel, error, session.Token);
            return;
        }

        await channel.SendAsync("init", new JsonObject { ["auth"] = "successful" }, session.Token);
        await SendAsync(channel, [.. Enumerable.Reverse(query.Select(lines))], session.Token);
        var listening = WaitForCloseAsync(channel, session);
        await FollowAsync(channel, runtime, (projectId, serviceId), query, session.Token);
        await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "ended");
        await Task.WhenAny(listening, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
    }

    private static async Task FollowAsync(WebSocketChannel channel, SimulatorRuntime runtime, (string Project, string Service) target, LogQuery query, CancellationToken cancellationToken)
    {
        var after = query.Until;
        try
        {
            while (true)
            {
                await Task.Delay(runtime.Options.Logs.TailBatchInterval, cancellationToken);
                var until = runtime.Store.CurrentTime;
                List<LogLine> fresh;
                try
                {
                    fresh = runtime.Store.ServiceLogLines(target.Project, target.Service, after, until);
                }
                catch (ApiException error)
                {
                    await channel.SendAsync("error", new JsonObject { ["status"] = error.Status, ["id"] = error.ErrorId, ["message"] = error.Message }, cancellationToken);
                    return;
                }

                after = until;
                var matching = fresh.Where(l => (query.Containers is null || query.Containers.Contains(l.ContainerId)) && query.Matches(l.Log)).ToList();
                await SendAsync(channel, matching, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client closed or the simulator stops.
        }
    }

    private static async Task SendAsync(WebSocketChannel channel, List<LogLine> lines, CancellationToken cancellationToken)
    {
        if (lines.Count > 0)
        {
            await channel.SendAsync("log-lines", LogEndpoints.Json(lines), cancellationToken);
        }
    }

    /// <summary>A tail client sends nothing after init; its close (or a broken connection) ends the session.</summary>
    private static async Task WaitForCloseAsync(WebSocketChannel channel, CancellationTokenSource session)
    {
        while (true)
        {
            try
            {
                if (await channel.ReceiveAsync(CancellationToken.None) is null)
                {
                    break;
                }
            }
            catch (InvalidDataException)
            {
                // Nothing the client sends matters after init.
            }
        }

        try
        {
            await session.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The session already ended on its own.
        }
    }
}
