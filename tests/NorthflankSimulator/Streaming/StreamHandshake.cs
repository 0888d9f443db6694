using System.Net.WebSockets;
using System.Text.Json.Nodes;
using NorthflankSimulator.Api;
using NorthflankSimulator.Pipeline;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Streaming;

/// <summary>
/// The start both streaming protocols share (execute-command.md, log-tailing.md; frames as the official client's
/// ExecCommandStandard and LogsClient send them): the client opens the WebSocket without any header and sends
/// <c>{"type":"init","data":{"auth":{"type":"apiToken","apiToken":T}, ...}}</c>. The token is checked like the REST
/// bearer token, after the rate limit (one session counts as one request, as V1Middleware counts a REST request).
/// A refused session gets one frame and a close with 1008 (policy violation): a bad token an <c>init</c> answer with
/// <c>auth</c> other than "successful" (the clients report "initialization failed: &lt;message&gt;"), anything else an
/// <c>error</c> frame; both carry the REST error's <c>status</c>, <c>id</c> and <c>message</c>.
/// </summary>
internal static class StreamHandshake
{
    /// <summary>Where a stream leaves the presented token's fingerprint for the request log.</summary>
    public const string FingerprintKey = "simulator.stream.fingerprint";

    /// <summary>The init frame's <c>data</c> once the token was accepted; null when the session was refused (and closed).</summary>
    public static async Task<JsonObject?> AcceptAsync(HttpContext context, WebSocketChannel channel, SimulatorRuntime runtime, CancellationToken cancellationToken)
    {
        JsonObject? init;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(runtime.Options.Exec.InitTimeout);
            init = await channel.ReceiveAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await RefuseAsync(context, channel, new ApiException(408, "init-timeout", "No init frame received in time"), cancellationToken);
            return null;
        }
        catch (InvalidDataException e)
        {
            await RefuseAsync(context, channel, ApiException.BadRequest("frame", e.Message), cancellationToken);
            return null;
        }

        if (init is null)
        {
            return null;
        }

        var data = init["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && (string?)init["type"] == "init"
            ? init["data"] as JsonObject
            : null;
        var presented = (data?["auth"] as JsonObject)?["apiToken"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        var fingerprint = presented is null ? null : TokenAuthenticator.Fingerprint(presented);
        context.Items[FingerprintKey] = fingerprint;
        if (runtime.RateLimiter.Acquire(V1Middleware.RateLimitKey(runtime, presented, fingerprint)) is { Allowed: false } limit)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(limit.ResetIn.TotalSeconds));
            await RefuseAsync(context, channel, new ApiException(429, "rate-limited",
                $"Rate limit of {limit.Limit} requests per window exceeded; retry in {seconds} s"), cancellationToken);
            return null;
        }

        if (data is null)
        {
            await RefuseAsync(context, channel, ApiException.BadRequest("type", "the first frame must be {\"type\":\"init\",\"data\":{\"auth\":...}}"), cancellationToken);
            return null;
        }

        var token = TokenAuthenticator.Find(runtime.Tokens, presented);
        var projectId = ApiIo.Route(context, "projectId");
        var refusal = token is null
            ? ApiException.Unauthorized(presented is null ? "Missing API token: send auth.apiToken in the init frame" : "Unknown or revoked API token")
            : token.Allows(projectId) ? null : ApiException.Forbidden($"This API token may not access project '{projectId}'");
        if (refusal is not null)
        {
            await RefuseAsync(context, channel, refusal, cancellationToken, asInit: true);
            return null;
        }

        return data;
    }

    /// <summary>Answers one error (as an init answer for auth failures), closes 1008 and notes the error for the request log.</summary>
    public static async Task RefuseAsync(HttpContext context, WebSocketChannel channel, ApiException error, CancellationToken cancellationToken, bool asInit = false)
    {
        context.Items[ApiIo.ErrorKey] = (error.ErrorId, (error.Details as JsonObject)?["field"]?.GetValue<string>());
        var data = new JsonObject { ["status"] = error.Status, ["id"] = error.ErrorId, ["message"] = error.Message };
        if (asInit)
        {
            data["auth"] = "failed";
        }

        try
        {
            await channel.SendAsync(asInit ? "init" : "error", data, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return;
        }

        await channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, error.ErrorId);
    }
}
