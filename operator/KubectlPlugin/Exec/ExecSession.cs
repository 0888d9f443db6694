using System.Buffers;
using System.Net.WebSockets;
using KubectlSandbox.Kube;

namespace KubectlSandbox.Exec;

/// <summary>
/// One exec over a connected WebSocket: stdin (when given) to channel 0, ended by v5's close message; channels 1 and 2
/// to <paramref name="stdout"/> and <paramref name="stderr"/>; the error channel's Status as the exit code. Sends are
/// serialised (a WebSocket takes one at a time): stdin and resizes come from different threads.
/// </summary>
internal sealed class ExecSession(WebSocket socket, Stream? stdin, Stream stdout, Stream stderr) : IDisposable
{
    private readonly SemaphoreSlim sending = new(1, 1);

    private bool IsV5 => socket.SubProtocol == Frames.V5;

    /// <summary>Runs until the server sends the exit status and closes; returns the remote command's exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var input = stdin is null ? Task.CompletedTask : Task.Run(() => PumpStdinAsync(stdin, stop.Token), stop.Token);
        try
        {
            var status = await ReceiveAsync(cancellationToken);
            return status is null
                ? throw new ApiError("the connection closed before the command's exit status arrived")
                : Frames.ExitCode(status);
        }
        finally
        {
            // Reading a terminal cannot be interrupted: the session is over, the pump is left to the process's end.
            await stop.CancelAsync();
            _ = input.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }

    public async Task ResizeAsync(int columns, int rows, CancellationToken cancellationToken) =>
        await SendAsync(Frames.TerminalSize(columns, rows), cancellationToken);

    public void Dispose()
    {
        sending.Dispose();
        socket.Dispose();
    }

    /// <summary>Copies stdout and stderr as they come; returns the error channel's bytes (null when none came).</summary>
    private async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        byte[]? status = null;
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            message.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(message.GetMemory(32 * 1024), cancellationToken);
                message.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseQuietlyAsync(cancellationToken);
                break;
            }

            status = await DeliverAsync(message.WrittenMemory, status, cancellationToken);
        }

        return status;
    }

    private async Task<byte[]?> DeliverAsync(ReadOnlyMemory<byte> message, byte[]? status, CancellationToken cancellationToken)
    {
        if (message.Length == 0)
        {
            return status;
        }

        var data = message[1..];
        switch (message.Span[0])
        {
            case Frames.Stdout:
                await stdout.WriteAsync(data, cancellationToken);
                await stdout.FlushAsync(cancellationToken);
                break;
            case Frames.Stderr:
                await stderr.WriteAsync(data, cancellationToken);
                await stderr.FlushAsync(cancellationToken);
                break;
            case Frames.Error:
                return [.. status ?? [], .. data.Span];
        }

        return status;
    }

    private async Task PumpStdinAsync(Stream input, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024];
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await SendAsync(Frames.Encode(Frames.Stdin, buffer.AsSpan(0, read)), cancellationToken);
        }

        // v4 has no way to say "stdin ended": the command sees its stdin open until the session ends.
        if (IsV5)
        {
            await SendAsync(Frames.Closed(Frames.Stdin), cancellationToken);
        }
    }

    private async Task SendAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await sending.WaitAsync(cancellationToken);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            }
        }
        finally
        {
            sending.Release();
        }
    }

    private async Task CloseQuietlyAsync(CancellationToken cancellationToken)
    {
        await sending.WaitAsync(cancellationToken);
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        }
        catch (WebSocketException)
        {
            // The server has gone already: nothing is lost, the status (if any) arrived before its close.
        }
        finally
        {
            sending.Release();
        }
    }
}
