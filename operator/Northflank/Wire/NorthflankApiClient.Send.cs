using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using RestSharp;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Northflank.Wire;

/// <summary>The send path: retries, the gate, one HTTP attempt and what its answer means.</summary>
public sealed partial class NorthflankApiClient
{
    private ResiliencePipeline BuildRetryPipeline()
    {
        if (options.MaxRetries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // Not a 429 (the gate pauses, the caller comes back when served), and not while the gate says Northflank is
                // down for the token: the call fails fast and its caller waits to be woken when it answers again.
                ShouldHandle = new PredicateBuilder().Handle<NorthflankApiException>(e => e.IsOutage && gate.RetriesInPlace),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromMinutes(1),
                OnRetry = args =>
                {
                    var failure = args.Outcome.Exception as NorthflankApiException;
                    logger.LogDebug(
                        "Northflank request failed with {Status}; retry {Attempt} of {MaxRetries} in {Delay}",
                        failure?.Status?.ToString() ?? "no answer", args.AttemptNumber + 1, options.MaxRetries, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>One call, with its retries; tells the gate whether Northflank answered.</summary>
    private async Task<Answer> SendAsync(Call call, CancellationToken ct)
    {
        var pipeline = call.Idempotent ? retrying : ResiliencePipeline.Empty;
        Interlocked.Increment(ref activeCalls);
        Touch();
        try
        {
            var answer = await pipeline.ExecuteAsync(async token => await SendOnceAsync(call, token), ct);
            gate.Ended(null);
            return answer;
        }
        catch (NorthflankApiException e)
        {
            gate.Ended(e);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref activeCalls);
            Touch();
        }
    }

    private void Touch() => Interlocked.Exchange(ref lastActivityTicks, time.GetUtcNow().UtcTicks);

    /// <summary>One HTTP attempt: gate, request, telemetry, error mapping.</summary>
    private async ValueTask<Answer> SendOnceAsync(Call call, CancellationToken ct)
    {
        var waited = await gate.EnterAsync(call.Priority, ct);
        var method = call.Method.ToString().ToUpperInvariant();

        using var activity = NorthflankTelemetry.ActivitySource.StartActivity(NorthflankTelemetry.RequestActivityName, ActivityKind.Client);
        activity?.SetTag("northflank.endpoint", call.Route);
        activity?.SetTag("http.request.method", method);
        activity?.SetTag("northflank.budget.wait_ms", waited.TotalMilliseconds);

        if (call.Method != Method.Get)
        {
            // Last moment before sending: the wait at the gate above may have been long.
            beforeWrite?.Invoke();
        }

        using var timeout = new CancellationTokenSource(options.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var started = time.GetTimestamp();
        var (response, failure) = await ExecuteAsync(call, method, linked.Token);
        var elapsed = time.GetElapsedTime(started);
        ct.ThrowIfCancellationRequested();

        var (statusTag, error) = Classify(call, method, timeout.IsCancellationRequested, response, failure);
        NorthflankTelemetry.Requests.Add(
            1,
            new KeyValuePair<string, object?>("endpoint", call.Route),
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("status", statusTag));
        NorthflankTelemetry.RequestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("endpoint", call.Route));
        activity?.SetTag("http.response.status_code", statusTag);
        logger.LogDebug(
            "Northflank {Method} {Endpoint} -> {Status} in {DurationMs:0} ms (budget wait {WaitMs:0} ms)",
            method, call.Route, statusTag, elapsed.TotalMilliseconds, waited.TotalMilliseconds);

        if (error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, statusTag);
            throw error;
        }

        return new Answer(response!.StatusCode, response.Content);
    }

    /// <summary>The request itself: its response, or the cancellation (ours or the caller's) that ended it.</summary>
    private async Task<(RestResponse? Response, OperationCanceledException? Failure)> ExecuteAsync(Call call, string method, CancellationToken ct)
    {
        try
        {
            return (await rest.ExecuteAsync(BuildRequest(call), ct), null);
        }
        catch (OperationCanceledException ex)
        {
            return (null, ex);
        }
        catch (Exception ex)
        {
            // RestSharp throws, rather than answers, when it cannot build the request (e.g. a header value it refuses),
            // and its message quotes the header, which may be the Authorization one. Nothing was sent, so this is no
            // outage of Northflank (not a NorthflankApiException: the gate and the retries ignore it), and only the
            // exception's type goes on, without the exception itself.
            Activity.Current?.SetStatus(ActivityStatusCode.Error, "request not sent");
            throw new InvalidOperationException($"The request {method} {call.Route} could not be sent: {ex.GetType().Name}.");
        }
    }

    /// <summary>What the attempt came to: its status tag for metrics, and the error to throw (none on success).</summary>
    private (string StatusTag, NorthflankApiException? Error) Classify(Call call, string method, bool timedOut, RestResponse? response, Exception? failure)
    {
        if (timedOut || response?.ResponseStatus == ResponseStatus.TimedOut)
        {
            return ("timeout", new NorthflankApiException(
                null, $"Northflank did not answer {method} {call.Route} within {options.RequestTimeout.TotalSeconds:0.#} s."));
        }

        if (response is null || response.StatusCode == 0)
        {
            // The HTTP layer's exception is not kept as the inner one: its message can quote a request header (the
            // token's). Its type, and the kind of failure it names, say what happened.
            var cause = response?.ErrorException ?? failure;
            return ("error", new NorthflankApiException(null, $"No answer from Northflank for {method} {call.Route}: {Describe(cause)}."));
        }

        var statusTag = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        ApplyRateLimitHeaders(response);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            NorthflankTelemetry.Throttled.Add(1);
            // The gate pauses the token: this caller, like the others, is told when it will be served.
            var deferred = gate.Throttled(RetryAfter(response), call.Priority);
            return (statusTag, MapError(response, deferred.RetryAfter, deferred.ServedAt));
        }

        var answered = response.IsSuccessStatusCode || (call.NotFoundIsAnswer && response.StatusCode == HttpStatusCode.NotFound);
        return (statusTag, answered ? null : MapError(response, null, null));
    }

    /// <summary>An HTTP-layer failure by its type and error codes only, never its message.</summary>
    private static string Describe(Exception? cause) => cause switch
    {
        null => "no response",
        HttpRequestException { InnerException: System.Net.Sockets.SocketException socket } http => $"{http.GetType().Name} ({http.HttpRequestError}, {socket.SocketErrorCode})",
        HttpRequestException http => $"{http.GetType().Name} ({http.HttpRequestError})",
        _ => cause.GetType().Name,
    };

    private static RestRequest BuildRequest(Call call)
    {
        var request = new RestRequest(call.Route, call.Method);
        foreach (var (name, value) in call.Segments)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
            request.AddUrlSegment(name, value);
        }

        foreach (var (name, value) in call.Query)
        {
            request.AddQueryParameter(name, value);
        }

        if (call.Body is not null)
        {
            request.AddStringBody(JsonSerializer.Serialize(call.Body, call.BodyType ?? call.Body.GetType(), NorthflankJson.Options), ContentType.Json);
        }

        return request;
    }
}
