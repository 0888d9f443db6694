using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SandboxOperator.Northflank.Wire;

/// <summary>What an exec on Northflank is to run: argv (run without a shell, as pod exec does) and its terminal.</summary>
public sealed record ExecContext(IReadOnlyList<string> Command, bool Tty, int? Rows = null, int? Columns = null);

public enum ExecFrameKind
{
    StdOut,
    StdErr,

    /// <summary>The command ended: <see cref="ExecFrame.ExitCode"/>, <see cref="ExecFrame.Status"/>.</summary>
    Completion,

    /// <summary>Northflank reported an error (<see cref="ExecFrame.Message"/>), or closed without a completion.</summary>
    Failed,
}

/// <summary>One frame of Northflank's exec, decoded: output bytes, or how it ended.</summary>
public sealed record ExecFrame(ExecFrameKind Kind, byte[] Data, int? ExitCode = null, string? Status = null, string? Message = null)
{
    public static ExecFrame Failure(string message) => new(ExecFrameKind.Failed, [], Message: message);
}

/// <summary>
/// One command running on Northflank over <c>/v1/command-exec/projects/{p}/services/{s}</c>, as the official client's
/// ExecCommandStandard speaks it: JSON frames, stdin as <c>payload</c>, <c>stdInEnd</c>, <c>resize</c> with
/// <c>ttyRows</c>/<c>ttyColumns</c>; output as <c>stdOut</c>/<c>stdErr</c>, then <c>completion</c>. Output and stdin travel
/// base64-encoded (the init's <c>encoding</c>, which the official client's file copy uses), so bytes that are not UTF-8 (a
/// tar stream) pass through unchanged. Sends are serialised: a WebSocket takes one at a time.
/// </summary>
public sealed class NorthflankExecSession(WebSocket socket) : IAsyncDisposable
{
    private readonly SemaphoreSlim sending = new(1, 1);

    public Task SendStdinAsync(ReadOnlyMemory<byte> data, CancellationToken ct) =>
        SendAsync(new JsonObject { ["type"] = "payload", ["data"] = Convert.ToBase64String(data.Span) }, ct);

    public Task SendStdinEndAsync(CancellationToken ct) => SendAsync(new JsonObject { ["type"] = "stdInEnd" }, ct);

    public Task SendResizeAsync(int rows, int columns, CancellationToken ct) =>
        SendAsync(new JsonObject { ["type"] = "resize", ["data"] = new JsonObject { ["ttyRows"] = rows, ["ttyColumns"] = columns } }, ct);

    /// <summary>The next frame; after a <see cref="ExecFrameKind.Completion"/> or a <see cref="ExecFrameKind.Failed"/> there is none.</summary>
    public async Task<ExecFrame> ReceiveAsync(CancellationToken ct)
    {
        while (true)
        {
            var message = await NorthflankSocket.ReceiveJsonAsync(socket, ct);
            if (message is null)
            {
                return ExecFrame.Failure("Northflank closed the exec before the command completed");
            }

            var data = message["data"];
            switch (NorthflankSocket.Text(message, "type"))
            {
                case "stdOut":
                    return new ExecFrame(ExecFrameKind.StdOut, Decode(data));
                case "stdErr":
                    return new ExecFrame(ExecFrameKind.StdErr, Decode(data));
                case "completion":
                    return new ExecFrame(ExecFrameKind.Completion, [], NorthflankSocket.Number(data, "exitCode"), NorthflankSocket.Text(data, "status"), NorthflankSocket.Text(data, "message"));
                case "error":
                    return ExecFrame.Failure(NorthflankSocket.Text(data, "message") ?? "Northflank reported an exec error");
                default:
                    continue; // another init answer or a frame this client does not know: nothing to act on
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await NorthflankSocket.CloseQuietlyAsync(socket);
        socket.Dispose();
        sending.Dispose();
    }

    /// <summary>Base64 as asked in the init; text (UTF-8) from a server that ignored it.</summary>
    private static byte[] Decode(JsonNode? data)
    {
        var text = data is JsonValue value && value.TryGetValue<string>(out var s) ? s : "";
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : Encoding.UTF8.GetBytes(text);
    }

    private async Task SendAsync(JsonObject frame, CancellationToken ct)
    {
        await sending.WaitAsync(ct);
        try
        {
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            sending.Release();
        }
    }
}
