using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using SandboxOperator.Connect;

namespace Benchmarks;

/// <summary>
/// A command run in a Sandbox as a Kubernetes client runs one: a new WebSocket to the API server's
/// <c>sandboxes/exec</c> (TLS, the user's bearer token, subprotocol <c>v5.channel.k8s.io</c>, pod exec's query), the
/// bytes of channel 1 counted, the Status of channel 3 read, until the server closes. One connection per command, as
/// kubectl makes one per invocation; nothing is written to disk, so the benchmark times the path, not a terminal.
/// </summary>
internal sealed class KubeExec(Uri server, string token, string @namespace, string sandbox)
{
    private const string Subprotocol = "v5.channel.k8s.io";
    private const byte Stdin = 0;
    private const byte Stdout = 1;
    private const byte Error = 3;

    /// <summary>v5: <c>[255, channel]</c> closes that stream.</summary>
    private const byte CloseSignal = 255;

    /// <summary>
    /// Runs <paramref name="command"/> (argv, no TTY); with <paramref name="stdinBytes"/> above 0 it gets that many bytes
    /// of <c>a</c> on stdin, in messages of 32 KiB as they can be sent, then v5's close of stdin. Throws unless the
    /// command completed with exit code 0 and wrote to stdout.
    /// </summary>
    public async Task<ExecTiming> RunAsync(IReadOnlyList<string> command, CancellationToken ct, long stdinBytes = 0)
    {
        var start = Stopwatch.GetTimestamp();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(Subprotocol);
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        // The per-run API server's self-signed certificate on loopback, as every TestInfra client trusts it (Kubeconfig.Write).
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        await socket.ConnectAsync(Url(command, stdinBytes > 0), ct);
        var opened = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var input = stdinBytes > 0 ? SendStdinAsync(socket, stdinBytes, ct) : Task.CompletedTask;
        var (first, last, bytes, status) = await ReceiveAsync(socket, start, ct);
        await input;
        var completed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (!status.Contains("\"Success\"", StringComparison.Ordinal) || first is null)
        {
            throw new InvalidOperationException($"exec through Kubernetes did not succeed: status {status}, {bytes} stdout bytes");
        }

        return new ExecTiming(opened, first.Value, last, completed, bytes);
    }

    /// <summary>Stdout counted (when its first and last byte came), the error channel's Status read, until the server closes.</summary>
    private static async Task<(double? First, double Last, long Bytes, string Status)> ReceiveAsync(ClientWebSocket socket, long start, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var status = new StringBuilder();
        long bytes = 0;
        double? first = null;
        var last = 0.0;
        byte channel = 0;
        var atMessageStart = true;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                return (first, last, bytes, status.ToString());
            }

            // A message may arrive in pieces: its first byte names the channel of all of them.
            var offset = 0;
            if (atMessageStart && result.Count > 0)
            {
                channel = buffer[0];
                offset = 1;
            }

            var payload = result.Count - offset;
            if (channel == Stdout && payload > 0)
            {
                bytes += payload;
                last = Stopwatch.GetElapsedTime(start).TotalSeconds;
                first ??= last;
            }
            else if (channel == Error)
            {
                status.Append(Encoding.UTF8.GetString(buffer, offset, payload));
            }

            atMessageStart = result.EndOfMessage;
        }
    }

    private static async Task SendStdinAsync(ClientWebSocket socket, long total, CancellationToken ct)
    {
        var message = new byte[1 + (32 * 1024)];
        message.AsSpan(1).Fill((byte)'a');
        for (var sent = 0L; sent < total; sent += message.Length - 1)
        {
            var length = (int)Math.Min(message.Length - 1, total - sent);
            await socket.SendAsync(message.AsMemory(0, 1 + length), WebSocketMessageType.Binary, endOfMessage: true, ct);
        }

        await socket.SendAsync(new byte[] { CloseSignal, Stdin }, WebSocketMessageType.Binary, endOfMessage: true, ct);
    }

    private Uri Url(IReadOnlyList<string> command, bool stdin)
    {
        var query = string.Join('&', command.Select(c => $"command={Uri.EscapeDataString(c)}").Concat([$"stdin={(stdin ? "true" : "false")}", "stdout=true", "stderr=true", "tty=false"]));
        var builder = new UriBuilder(server) { Scheme = "wss", Path = $"/apis/{ConnectApi.GroupVersion}/namespaces/{@namespace}/{ConnectApi.Resource}/{sandbox}/{ConnectApi.Exec}", Query = query };
        return builder.Uri;
    }
}
