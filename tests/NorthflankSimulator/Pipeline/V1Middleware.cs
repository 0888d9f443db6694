using System.Globalization;
using NorthflankSimulator.Api;
using NorthflankSimulator.Inspection;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Pipeline;

/// <summary>
/// Everything around a /v1 handler, in Northflank-like order: injected latency and dropped connections, the rate
/// limit (keyed by the presented token, so even a 401 carries rate-limit headers), injected 5xx, authentication and
/// project scope, then the handler with its response buffered so write faults can replace or hold it after the
/// write was applied. Each request ends up in the request log.
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

        var presented = TokenAuthenticator.PresentedToken(context);
        var fingerprint = presented is null ? null : TokenAuthenticator.Fingerprint(presented);
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var started = runtime.Time.GetUtcNow();
        string? fault = null;
        try
        {
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
            runtime.Requests.Add(new RequestRecord(
                started, context.Request.Method, context.Request.Path.Value ?? "", route, status, fingerprint, fault));
        }

        // Aborted only once logged, so a client that sees the reset also finds it in the request log.
        if (fault == DroppedConnection)
        {
            context.Abort();
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

        if (runtime.RateLimiter.Acquire(fingerprint ?? "anonymous") is { } limit)
        {
            var headers = context.Response.Headers;
            var resetSeconds = Math.Max(1, (long)Math.Ceiling(limit.ResetIn.TotalSeconds));
            headers["X-RateLimit-Limit"] = limit.Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = limit.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
            if (!limit.Allowed)
            {
                headers.RetryAfter = resetSeconds.ToString(CultureInfo.InvariantCulture);
                await ApiIo.WriteErrorAsync(context, 429, "rate-limited",
                    $"Rate limit of {limit.Limit} requests per window exceeded; retry in {resetSeconds} s");
                return null;
            }
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
        finally
        {
            context.Response.Body = original;
        }

        string? fault = null;
        if (context.Response.StatusCode == 200)
        {
            var (writeFault, hold) = faults.AfterWrite(context.Request.Method, context.Request.Path.Value ?? "");
            if (writeFault == WriteFault.FailAfterWrite)
            {
                await ApiIo.WriteErrorAsync(context, 500, "simulated-failure-after-write",
                    "Simulated server error after the change was applied (injected fault)");
                return "failed-after-write";
            }

            if (writeFault == WriteFault.HoldAfterWrite)
            {
                fault = "held-after-write";
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
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
        return fault;
    }

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
