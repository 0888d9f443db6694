using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NorthflankSimulator.Streaming;

/// <summary>
/// JSON frames over one WebSocket, as Northflank's exec and log-tail protocols use them: every frame is
/// <c>{"type": ..., "data": ...}</c>. The official client sends its frames as binary messages (its WebSocket stream
/// writes buffers), so both message types are read; the simulator answers in text messages. Sends are serialised
/// because output pumps and the control loop send concurrently.
/// </summary>
internal sealed class WebSocketChannel(WebSocket socket) : IDisposable
{
    private const int MaxMessageBytes = 1 << 20;
    private readonly SemaphoreSlim sending = new(1, 1);

    public WebSocket Socket => socket;

    public async Task SendAsync(string type, JsonNode? data, CancellationToken cancellationToken)
    {
        var frame = new JsonObject { ["type"] = type };
        if (data is not null)
        {
            frame["data"] = data;
        }

        var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString());
        await sending.WaitAsync(cancellationToken);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        finally
        {
            sending.Release();
        }
    }

    /// <summary>The next frame; null once the client closed (or the connection broke).</summary>
    /// <exception cref="InvalidDataException">The message is not a JSON object or is too large.</exception>
    public async Task<JsonObject?> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxMessageBytes)
            {
                throw new InvalidDataException($"frame larger than {MaxMessageBytes} bytes");
            }

            if (result.EndOfMessage)
            {
                break;
            }
        }

        try
        {
            return JsonNode.Parse(message.ToArray()) as JsonObject ?? throw new InvalidDataException("frame is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"frame is not valid JSON ({e.Message})");
        }
    }

    /// <summary>
    /// Closes from the server side (the close frame only: a receive may still be pending in another task, and it then
    /// sees the client's answering close); a connection already gone is fine.
    /// </summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await sending.WaitAsync(timeout.Token);
            try
            {
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
            finally
            {
                sending.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away first: nothing left to tell it.
        }
    }

    public void Dispose() => sending.Dispose();
}
