using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SandboxOperator.Northflank.Wire;

/// <summary>Whole JSON messages over a WebSocket, as Northflank's exec and log tail send them (text or binary frames alike).</summary>
internal static class NorthflankSocket
{
    /// <summary>Longest message read: a log batch of many lines, but no unbounded buffer for a misbehaving server.</summary>
    private const int MaxMessage = 16 * 1024 * 1024;

    /// <summary>The next message as a JSON object; null when the socket closed. A message that is not JSON is skipped.</summary>
    public static async Task<JsonObject?> ReceiveJsonAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(8192), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > MaxMessage)
            {
                throw new WebSocketException(WebSocketError.Faulted, "Northflank sent a message larger than 16 MiB");
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(buffer.WrittenSpan) is JsonObject message)
                {
                    return message;
                }
            }
            catch (JsonException)
            {
                // Not JSON: skipped, as the official client reports and goes on.
            }

            buffer.Clear();
        }
    }

    /// <summary>A string member of a frame; null when absent or not a string.</summary>
    public static string? Text(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A whole-number member of a frame; null when absent or not one.</summary>
    public static int? Number(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    public static async Task SendJsonAsync(WebSocket socket, JsonObject message, CancellationToken ct) =>
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, endOfMessage: true, ct);

    /// <summary>The init frame: the token goes here, inside the socket, never in a URL or a header that a proxy logs.</summary>
    public static JsonObject Init(NorthflankToken token, JsonObject? context)
    {
        var data = new JsonObject { ["auth"] = new JsonObject { ["type"] = "apiToken", ["apiToken"] = token.Reveal() } };
        if (context is not null)
        {
            data["context"] = context;
        }

        return new JsonObject { ["type"] = "init", ["data"] = data };
    }

    /// <summary>
    /// Waits for the server's init answer. Refusals become a <see cref="NorthflankApiException"/> with Northflank's message
    /// (and its status when the error frame has one), never anything of the init that was sent.
    /// </summary>
    public static async Task AwaitInitAsync(WebSocket socket, string what, CancellationToken ct)
    {
        var answer = await ReceiveJsonAsync(socket, ct)
            ?? throw new NorthflankApiException(null, $"Northflank closed the {what} before answering its init");
        var data = answer["data"];
        switch (NorthflankSocket.Text(answer, "type"))
        {
            case "init" when NorthflankSocket.Text(data, "auth") == "successful":
                return;
            case "init":
                throw new NorthflankApiException(System.Net.HttpStatusCode.Unauthorized, $"Northflank refused the {what}: {NorthflankSocket.Text(data, "message") ?? "initialization failed"}");
            case "error":
                System.Net.HttpStatusCode? status = data?["status"] is JsonValue s && s.TryGetValue<int>(out var code) ? (System.Net.HttpStatusCode)code : null;
                throw new NorthflankApiException(status, $"Northflank refused the {what}: {NorthflankSocket.Text(data, "message") ?? "unknown error"}");
            default:
                throw new NorthflankApiException(null, $"Northflank answered the {what}'s init with a '{NorthflankSocket.Text(answer, "type")}' frame");
        }
    }

    public static async Task CloseQuietlyAsync(WebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone: nothing to close.
        }
    }
}
