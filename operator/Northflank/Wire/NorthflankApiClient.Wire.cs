using System.Globalization;
using System.Net;
using System.Text.Json;
using RestSharp;
using RestSharp.Authenticators;

namespace SandboxOperator.Northflank.Wire;

/// <summary>The wire: errors, rate-limit headers and JSON as Northflank sends them, and the request shapes.</summary>
public sealed partial class NorthflankApiClient
{
    /// <summary>Northflank's own error message, status and id; never the request body, never the token.</summary>
    private static NorthflankApiException MapError(RestResponse response, TimeSpan? retryAfter, DateTimeOffset? servedAt)
    {
        var body = TryDeserialize<ErrorEnvelope>(response.Content)?.Error;
        var message = body?.Message?.Trim();
        if (string.IsNullOrEmpty(message))
        {
            message = $"Northflank answered {(int)response.StatusCode} {response.StatusDescription}".Trim() + ".";
        }
        else if (message.Length > MaxMessageLength)
        {
            message = message[..MaxMessageLength] + "…";
        }

        return new NorthflankApiException(response.StatusCode, message, body?.Id, retryAfter) { ServedAt = servedAt };
    }

    private TimeSpan? RetryAfter(RestResponse response)
    {
        var value = Header(response, "Retry-After");
        if (value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Max(at - time.GetUtcNow(), TimeSpan.Zero)
            : null;
    }

    /// <summary>
    /// Northflank's rate-limit headers (use-the-api.md): <c>x-ratelimit-limit</c> (the account's), <c>x-ratelimit-remaining</c>
    /// and <c>x-ratelimit-reset</c>, documented as seconds to the reset (read as Unix seconds when it is that large).
    /// </summary>
    private void ApplyRateLimitHeaders(RestResponse response)
    {
        var remainingText = Header(response, "X-RateLimit-Remaining");
        if (!int.TryParse(remainingText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining))
        {
            return;
        }

        DateTimeOffset? resetAt = null;
        if (double.TryParse(Header(response, "X-RateLimit-Reset"), NumberStyles.Float, CultureInfo.InvariantCulture, out var reset) && reset >= 0)
        {
            resetAt = reset > 1_000_000_000
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(reset * 1000))
                : time.GetUtcNow() + TimeSpan.FromSeconds(reset);
        }

        int? limit = int.TryParse(Header(response, "X-RateLimit-Limit"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;
        gate.RateLimitSaid(remaining, resetAt, limit);
    }

    private static string? Header(RestResponse response, string name) =>
        response.Headers?.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value?.Trim();

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static T ReadData<T>(Answer answer)
        where T : class =>
        Deserialize<DataEnvelope<T>>(answer).Data ?? throw Unexpected(answer, "no data");

    private static T Deserialize<T>(Answer answer)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(answer.Content ?? string.Empty, NorthflankJson.Options)
                ?? throw Unexpected(answer, "empty body");
        }
        catch (JsonException ex)
        {
            // The JSON exception names a path and position only, not content.
            throw new NorthflankApiException(answer.Status, $"Northflank answered with JSON this client cannot read ({ex.Path}).", inner: ex);
        }
    }

    private static T? TryDeserialize<T>(string? content)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(content, NorthflankJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static NorthflankApiException Unexpected(Answer answer, string what) =>
        new(answer.Status, $"Northflank's answer has an unexpected shape: {what}.");

    private sealed record Call(Method Method, string Route, RequestPriority Priority, bool Idempotent, bool NotFoundIsAnswer = false)
    {
        public IReadOnlyList<(string Name, string Value)> Segments { get; init; } = [];

        public IReadOnlyList<(string Name, string Value)> Query { get; init; } = [];

        public object? Body { get; init; }

        /// <summary>The type to serialize <see cref="Body"/> as, when not its runtime type.</summary>
        public Type? BodyType { get; init; }
    }

    private sealed record Answer(HttpStatusCode Status, string? Content)
    {
        public bool IsNotFound => Status == HttpStatusCode.NotFound;
    }

    /// <summary>Reveals the token at the last moment, into the header of the outgoing request only.</summary>
    private sealed class BearerTokenAuthenticator(NorthflankToken token) : IAuthenticator
    {
        public ValueTask Authenticate(IRestClient client, RestRequest request, CancellationToken cancellationToken)
        {
            request.AddOrUpdateHeader("Authorization", "Bearer " + token.Reveal());
            return ValueTask.CompletedTask;
        }
    }
}
