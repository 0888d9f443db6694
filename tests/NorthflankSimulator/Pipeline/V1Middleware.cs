using System.Globalization;
using NorthflankSimulator.Api;
using NorthflankSimulator.Inspection;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Pipeline;

/// <summary>
/// Everything around a /v1 handler, in Northflank-like order: injected latency and dropped connections, the rate
/// limit (keyed by the token's account, or by the presented token when it is unknown, so even a 401 carries
/// rate-limit headers), injected 5xx, authentication and project scope, then the handler with its response buffered
/// so write faults can replace or hold it after the write was applied. Each request ends up in the request log,
/// with its error id and field when it failed and a mark when its endpoint is deprecated.
/// </summary>
internal sealed class V1Middleware(RequestDelegate next, SimulatorRuntime runtime)
{
    private const string HeldKey = "simulator.held";
    private const string DroppedConnection = "dropped-connection";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }

        if (context.WebSockets.IsWebSocketRequest)
        {
            await StreamAsync(context);
            return;
        }

        var presented = TokenAuthenticator.PresentedToken(context);
        var fingerprint = presented is null ? null : TokenAuthenticator.Fingerprint(presented);
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var deprecated = context.GetEndpoint()?.Metadata.GetMetadata<DeprecatedEndpoint>() is not null;
        var started = runtime.Time.GetUtcNow();
        string? fault = null;
        try
        {
            if (deprecated)
            {
                context.Response.Headers[DeprecatedEndpoint.Header] = "true";
            }

            fault = await HandleAsync(context, presented, fingerprint, route);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // A client that gives up on a held write is the case holding exists for: keep saying it was held.
            fault = context.Items.ContainsKey(HeldKey) ? "held-after-write" : "client-disconnected";
        }
        finally
        {
            var status = fault is DroppedConnection or "client-disconnected" || context.RequestAborted.IsCancellationRequested
                ? 0
                : context.Response.StatusCode;
            var (errorId, errorField) = context.Items.TryGetValue(ApiIo.ErrorKey, out var error) ? ((string, string?))error! : (null, null);
            runtime.Requests.Add(new RequestRecord(
                started, context.Request.Method, context.Request.Path.Value ?? "", route, status, fingerprint, fault)
            {
                ErrorId = errorId,
                ErrorField = errorField,
                Deprecated = deprecated,
                Subject = context.Items.TryGetValue(ApiIo.SubjectKey, out var subject) ? subject as string : null,
            });
        }

        // Aborted only once logged, so a client that sees the reset also finds it in the request log.
        if (fault == DroppedConnection)
        {
            context.Abort();
        }
    }

    /// <summary>
    /// A WebSocket (exec, log tail) carries its token in its init frame, not in a header, so its handler authenticates
    /// and counts it against the rate limit itself (StreamHandshake); faults are not injected into streams. It is
    /// logged once it ends, with status 101 when it was upgraded.
    /// </summary>
    private async Task StreamAsync(HttpContext context)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var started = runtime.Time.GetUtcNow();
        try
        {
            if (route is null)
            {
                await ApiIo.WriteErrorAsync(context, 404, "not-found", $"No WebSocket endpoint {context.Request.Path} in the simulator");
                return;
            }

            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the session is over, nothing to answer.
        }
        finally
        {
            var (errorId, errorField) = context.Items.TryGetValue(ApiIo.ErrorKey, out var error) ? ((string, string?))error! : (null, null);
            runtime.Requests.Add(new RequestRecord(
                started, context.Request.Method, context.Request.Path.Value ?? "", route, context.Response.StatusCode,
                context.Items.TryGetValue(Streaming.StreamHandshake.FingerprintKey, out var fingerprint) ? fingerprint as string : null, null)
            {
                ErrorId = errorId,
                ErrorField = errorField,
            });
        }
    }

    private async Task<string?> HandleAsync(HttpContext context, string? presented, string? fingerprint, string? route)
    {
        var faults = runtime.Faults;
        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency, context.RequestAborted);
        }

        if (faults.DropConnection())
        {
            return DroppedConnection;
        }

        if (await RateLimitedAsync(context, presented, fingerprint))
        {
            return null;
        }

        if (faults.ServerError() is { } serverError)
        {
            await ApiIo.WriteErrorAsync(context, serverError, "simulated-server-error", "Simulated server error (injected fault)");
            return "server-error";
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await RunHandlerAsync(context, presented, route);
        }
        finally
        {
            context.Response.Body = original;
        }

        var fault = await ApplyWriteFaultAsync(context);
        if (fault != "failed-after-write")
        {
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        }

        return fault;
    }

    /// <summary>Sets the rate-limit headers; true when the request is over the limit and was answered 429.</summary>
    private async Task<bool> RateLimitedAsync(HttpContext context, string? presented, string? fingerprint)
    {
        if (runtime.RateLimiter.Acquire(RateLimitKey(runtime, presented, fingerprint)) is not { } limit)
        {
            return false;
        }

        // Spelled as use-the-api.md spells them.
        var headers = context.Response.Headers;
        var resetSeconds = Math.Max(1, (long)Math.Ceiling(limit.ResetIn.TotalSeconds));
        headers["x-ratelimit-limit"] = limit.Limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining"] = limit.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
        if (limit.Allowed)
        {
            return false;
        }

        headers.RetryAfter = resetSeconds.ToString(CultureInfo.InvariantCulture);
        await ApiIo.WriteErrorAsync(context, 429, "rate-limited",
            $"Rate limit of {limit.Limit} requests per window exceeded; retry in {resetSeconds} s");
        return true;
    }

    private async Task RunHandlerAsync(HttpContext context, string? presented, string? route)
    {
        try
        {
            Authorize(context, presented, route);
            await next(context);
        }
        catch (ApiException error)
        {
            await ApiIo.WriteErrorAsync(context, error);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A simulator bug: answer in Northflank's error shape so the client reports it instead of a parse failure.
            await ApiIo.WriteErrorAsync(context, 500, "simulator-bug", $"Unexpected simulator error: {error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>For a write that succeeded: replace its answer with a 500, hold it, or let it through.</summary>
    private async Task<string?> ApplyWriteFaultAsync(HttpContext context)
    {
        if (context.Response.StatusCode != 200)
        {
            return null;
        }

        var (writeFault, hold) = runtime.Faults.AfterWrite(context.Request.Method, context.Request.Path.Value ?? "");
        if (writeFault == WriteFault.FailAfterWrite)
        {
            await ApiIo.WriteErrorAsync(context, 500, "simulated-failure-after-write",
                "Simulated server error after the change was applied (injected fault)");
            return "failed-after-write";
        }

        if (writeFault != WriteFault.HoldAfterWrite)
        {
            return null;
        }

        context.Items[HeldKey] = true;
        runtime.HoldStarted();
        try
        {
            await Task.Delay(hold, context.RequestAborted);
        }
        finally
        {
            runtime.HoldEnded();
        }

        return "held-after-write";
    }

    /// <summary>A known token counts against its account; an unknown one against itself, a missing one against "anonymous".</summary>
    internal static string RateLimitKey(SimulatorRuntime runtime, string? presented, string? fingerprint) =>
        TokenAuthenticator.Find(runtime.Tokens, presented) is { } token
            ? runtime.Options.AccountOf(token)
            : fingerprint is null ? "anonymous" : $"token:{fingerprint}";

    private void Authorize(HttpContext context, string? presented, string? route)
    {
        var token = TokenAuthenticator.Find(runtime.Tokens, presented)
            ?? throw ApiException.Unauthorized(presented is null
                ? "Missing API token: send 'Authorization: Bearer <token>'"
                : "Unknown or revoked API token");
        if (context.GetRouteValue("projectId") is string projectId && !token.Allows(projectId))
        {
            throw ApiException.Forbidden($"This API token may not access project '{projectId}'");
        }

        context.Items[ApiIo.AuthenticatedTokenKey] = token;
        if (route is null)
        {
            throw new ApiException(404, "not-found", $"No endpoint {context.Request.Method} {context.Request.Path} in the simulator");
        }
    }
}
