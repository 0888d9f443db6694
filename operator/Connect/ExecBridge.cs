using System.Net.WebSockets;
using System.Text;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Connect;

/// <summary>
/// Carries one exec between the Kubernetes client's WebSocket (pod exec's channels) and Northflank's: stdin, its end
/// (v5's close of channel 0; a client that asked for no stdin has it closed at once) and resizes go up; stdout and
/// stderr come down; Northflank's <c>completion</c> becomes the error channel's Status, then the socket closes (1000).
/// A client that goes away ends the command: Northflank's socket is closed, which ends the process there. Uses only
/// <see cref="WebSocket"/>, so tests drive it over in-memory sockets.
/// </summary>
public sealed class ExecBridge(WebSocket client, string protocol, ExecOptions options, NorthflankExecSession remote)
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource clientGone = new();
    private volatile bool closing;

    /// <summary>Runs the session to its end; returns the Status sent on the error channel (null: the client went away first).</summary>
    public async Task<string?> RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, clientGone.Token);
        if (!options.Stdin)
        {
            await remote.SendStdinEndAsync(stop.Token); // nothing will come: a command reading stdin sees its end, not a hang
        }

        var upstream = Task.Run(() => PumpClientAsync(stop.Token), CancellationToken.None);
        string? status;
        try
        {
            status = await PumpRemoteAsync(stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            status = clientGone.IsCancellationRequested || ct.IsCancellationRequested ? null : ConnectStatus.Failure("the connection to Northflank was lost");
        }

        if (status is not null)
        {
            await FinishAsync(status, stop.Token);
        }

        await Task.WhenAny(upstream, Task.Delay(CloseGrace, CancellationToken.None));
        await stop.CancelAsync();
        await upstream.ContinueWith(static _ => { }, TaskScheduler.Default); // its end is seen; its fault changes nothing now
        return status;
    }

    /// <summary>Northflank → client, until the command completes (its Status) or fails.</summary>
    private async Task<string> PumpRemoteAsync(CancellationToken ct)
    {
        while (true)
        {
            var frame = await remote.ReceiveAsync(ct);
            switch (frame.Kind)
            {
                case ExecFrameKind.StdOut when options.Stdout:
                    await SendAsync(StreamChannel.Stdout, frame.Data, ct);
                    break;
                case ExecFrameKind.StdErr when options.Stderr:
                    await SendAsync(StreamChannel.Stderr, frame.Data, ct);
                    break;
                case ExecFrameKind.Completion:
                    return ConnectStatus.OfCompletion(frame.ExitCode, frame.Status, frame.Message);
                case ExecFrameKind.Failed:
                    return ConnectStatus.Failure(frame.Message ?? "the command failed on Northflank");
            }
        }
    }

    /// <summary>Client → Northflank, until the client closes (or the session ends).</summary>
    private async Task PumpClientAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (!closing)
                {
                    await clientGone.CancelAsync(); // before the command ended: the user went away, the command goes too
                }

                return;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var bytes = message.ToArray();
            message.SetLength(0);
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                await ForwardAsync(ChannelProtocol.Parse(protocol, bytes), ct);
            }
        }
    }

    private async Task ForwardAsync(ChannelMessage message, CancellationToken ct)
    {
        switch (message)
        {
            case { Kind: ChannelMessageKind.Data, Channel: StreamChannel.Stdin } when options.Stdin && !message.Payload.IsEmpty:
                await remote.SendStdinAsync(message.Payload, ct);
                break;
            case { Kind: ChannelMessageKind.Closed, Channel: StreamChannel.Stdin } when options.Stdin:
                await remote.SendStdinEndAsync(ct);
                break;
            case { Kind: ChannelMessageKind.Data, Channel: StreamChannel.Resize } when options.Tty:
                if (ChannelProtocol.ParseResize(message.Payload.Span) is { } size)
                {
                    await remote.SendResizeAsync(size.Rows, size.Columns, ct);
                }

                break;
        }
    }

    /// <summary>The error channel's Status, then the close handshake (1000).</summary>
    private async Task FinishAsync(string status, CancellationToken ct)
    {
        try
        {
            closing = true; // from here a close from the client is its answer, not its going away
            await SendAsync(StreamChannel.Error, Encoding.UTF8.GetBytes(status), ct);
            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away meanwhile: nobody to tell.
        }
    }

    private Task SendAsync(StreamChannel channel, byte[] data, CancellationToken ct) =>
        client.SendAsync(ChannelProtocol.Frame(channel, data), WebSocketMessageType.Binary, endOfMessage: true, ct);
}
