using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace KubectlSandbox.Kube;

/// <summary>
/// A refusal or failure the user should read, printed as <c>error: &lt;message&gt;</c> with exit code 1. From an API
/// answer it carries the server's <c>metav1.Status</c> message (so a 403 says who may not do what), and for 429 when to
/// retry, from <c>Retry-After</c>.
/// </summary>
internal sealed class ApiError(string message, HttpStatusCode? code = null) : Exception(message)
{
    public HttpStatusCode? Code { get; } = code;

    public static async Task<ApiError> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var message = StatusMessage(body) ?? $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}{Excerpt(body)}";
        if (response.StatusCode == HttpStatusCode.TooManyRequests && RetryAfter(response) is { } wait)
        {
            message += $" (retry after {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s)";
        }

        return new ApiError(message, response.StatusCode);
    }

    /// <summary>The message of a <c>metav1.Status</c> JSON body; null when the body is something else.</summary>
    public static string? StatusMessage(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject status && status["kind"]?.GetValue<string>() == "Status"
                ? status["message"]?.GetValue<string>() ?? status["reason"]?.GetValue<string>()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
            _ => null,
        };

    private static string Excerpt(string body) =>
        string.IsNullOrWhiteSpace(body) ? "" : $": {(body.Length > 200 ? body[..200] + "..." : body).Trim()}";
}
