using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SandboxOperator.Northflank.Wire;

/// <summary>One log line of a service, as Northflank's range and tail answer it.</summary>
public sealed record NorthflankLogLine(string ContainerId, string Log, DateTimeOffset Ts);

/// <summary>Which lines: at most <see cref="LineLimit"/> (Northflank's default when null), since <see cref="StartTime"/>.</summary>
public sealed record NorthflankLogQuery(int? LineLimit, DateTimeOffset? StartTime);

/// <summary>
/// Northflank's streaming endpoints for a service, as the official client calls them: exec
/// (<c>/v1/command-exec/projects/{p}/services/{s}</c>), the log range (<c>GET .../logs?queryType=range</c>) and the log tail
/// (the same path over a WebSocket, <c>queryType=tail</c>). The token goes in the WebSocket's init frame or the range's
/// Authorization header, nowhere else. Charging the token's budget is the caller's: a session is one request.
/// </summary>
public sealed class NorthflankStreams(WireOptions options, Func<Uri, CancellationToken, Task<WebSocket>>? connect = null) : IDisposable
{
    private readonly HttpClient http = new() { Timeout = options.RequestTimeout };

    private readonly Func<Uri, CancellationToken, Task<WebSocket>> connect = connect ?? ConnectAsync;

    /// <summary>Starts a command; returns once Northflank accepted the init (the command runs).</summary>
    /// <exception cref="NorthflankApiException">Northflank refused or did not answer in time.</exception>
    public async Task<NorthflankExecSession> OpenExecAsync(NorthflankToken token, string projectId, string serviceId, ExecContext exec, CancellationToken ct)
    {
        var context = new JsonObject
        {
            ["command"] = new JsonArray([.. exec.Command.Select(a => (JsonNode)a)]),
            ["shell"] = "none",
            ["encoding"] = "base64",
            ["tty"] = exec.Tty,
        };
        if (exec is { Tty: true, Rows: { } rows, Columns: { } columns })
        {
            (context["ttyRows"], context["ttyColumns"]) = (rows, columns);
        }

        var socket = await OpenAsync(WebSocketUri($"v1/command-exec/projects/{Escape(projectId)}/services/{Escape(serviceId)}", null), token, context, "exec", ct);
        return new NorthflankExecSession(socket);
    }

    /// <summary>Follows a service's log: the recent lines, then new ones as they come, until the caller stops reading.</summary>
    public async Task<NorthflankLogTail> OpenLogTailAsync(NorthflankToken token, string projectId, string serviceId, NorthflankLogQuery query, CancellationToken ct)
    {
        var socket = await OpenAsync(WebSocketUri(LogsPath(projectId, serviceId), Query("tail", query)), token, null, "log tail", ct);
        return new NorthflankLogTail(socket);
    }

    /// <summary>The newest lines matching <paramref name="query"/>, oldest first.</summary>
    public async Task<IReadOnlyList<NorthflankLogLine>> GetLogRangeAsync(NorthflankToken token, string projectId, string serviceId, NorthflankLogQuery query, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.BaseUrl, $"{LogsPath(projectId, serviceId)}?{Query("range", query)}&direction=backward"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new NorthflankApiException(null, "Northflank did not answer the log range");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var retryAfter = response.Headers.RetryAfter?.Delta;
                throw new NorthflankApiException(response.StatusCode, $"Northflank answered the log range with {(int)response.StatusCode}: {ErrorMessage(body)}", retryAfter: retryAfter);
            }

            var lines = JsonNode.Parse(body)?["data"] as JsonArray ?? [];
            return [.. lines.Select(Line).OfType<NorthflankLogLine>().OrderBy(l => l.Ts)];
        }
    }

    public void Dispose() => http.Dispose();

    /// <summary>A log line of a range or tail answer; null when it has no text.</summary>
    internal static NorthflankLogLine? Line(JsonNode? item) =>
        item is JsonObject line && NorthflankSocket.Text(line, "log") is { } text
            ? new NorthflankLogLine(NorthflankSocket.Text(line, "containerId") ?? "", text,
                DateTimeOffset.TryParse(NorthflankSocket.Text(line, "ts"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts) ? ts : DateTimeOffset.MinValue)
            : null;

    private static async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string LogsPath(string projectId, string serviceId) => $"v1/projects/{Escape(projectId)}/services/{Escape(serviceId)}/logs";

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static string Query(string type, NorthflankLogQuery query)
    {
        var parts = new List<string> { $"queryType={type}" };
        if (query.LineLimit is { } limit)
        {
            parts.Add($"lineLimit={limit.ToString(CultureInfo.InvariantCulture)}");
        }

        if (query.StartTime is { } start)
        {
            parts.Add($"startTime={Uri.EscapeDataString(start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))}");
        }

        return string.Join('&', parts);
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            return NorthflankSocket.Text(JsonNode.Parse(body)?["error"], "message") ?? "no message";
        }
        catch (JsonException)
        {
            return "no message";
        }
    }

    private Uri WebSocketUri(string path, string? query)
    {
        var builder = new UriBuilder(new Uri(options.BaseUrl, path)) { Query = query ?? "" };
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttp ? "ws" : "wss";
        return builder.Uri;
    }

    /// <summary>Connects, sends the init and waits (at most the request timeout) for Northflank to accept it.</summary>
    private async Task<WebSocket> OpenAsync(Uri uri, NorthflankToken token, JsonObject? context, string what, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.RequestTimeout);
        WebSocket? socket = null;
        try
        {
            socket = await connect(uri, timeout.Token);
            await NorthflankSocket.SendJsonAsync(socket, NorthflankSocket.Init(token, context), timeout.Token);
            await NorthflankSocket.AwaitInitAsync(socket, what, timeout.Token);
            return socket;
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            socket?.Dispose();
            var status = (e as WebSocketException)?.InnerException is HttpRequestException { StatusCode: { } code } ? code : (HttpStatusCode?)null;
            // By type and status only, never the HTTP layer's own message (see docs/security.md).
            var why = e is OperationCanceledException ? "no answer in time" : status is { } answered ? $"HTTP {(int)answered}" : e.GetType().Name;
            throw new NorthflankApiException(status, $"Northflank's {what} did not open ({why})");
        }
        catch
        {
            socket?.Dispose();
            throw;
        }
    }
}

/// <summary>A log tail on Northflank: batches of lines until the caller stops or Northflank ends it.</summary>
public sealed class NorthflankLogTail(WebSocket socket) : IAsyncDisposable
{
    /// <summary>The next batch (oldest first); null when the tail ended.</summary>
    /// <exception cref="NorthflankApiException">Northflank ended it with an error.</exception>
    public async Task<IReadOnlyList<NorthflankLogLine>?> ReceiveAsync(CancellationToken ct)
    {
        while (await NorthflankSocket.ReceiveJsonAsync(socket, ct) is { } message)
        {
            switch (NorthflankSocket.Text(message, "type"))
            {
                case "log-lines":
                    return [.. (message["data"] as JsonArray ?? []).Select(NorthflankStreams.Line).OfType<NorthflankLogLine>()];
                case "error":
                    throw new NorthflankApiException(null, $"Northflank ended the log tail: {NorthflankSocket.Text(message?["data"], "message") ?? "unknown error"}");
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await NorthflankSocket.CloseQuietlyAsync(socket);
        socket.Dispose();
    }
}
