using System.Text.Json;

namespace SandboxOperator.Connect;

/// <summary>The streams of a remote command, numbered as pod exec numbers them (the first byte of every message).</summary>
public enum StreamChannel : byte
{
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,

    /// <summary>One metav1.Status at the end: the command's outcome.</summary>
    Error = 3,

    /// <summary>Terminal sizes from the client, JSON <c>{"Width":cols,"Height":rows}</c>.</summary>
    Resize = 4,
}

/// <summary>What one message of the client says.</summary>
public enum ChannelMessageKind
{
    /// <summary>Bytes for <see cref="ChannelMessage.Channel"/>.</summary>
    Data,

    /// <summary>v5 only: the client closed that stream (it sends it for stdin when its input ends).</summary>
    Closed,

    /// <summary>Nothing to act on: an empty message, or a channel this protocol does not have.</summary>
    Ignored,
}

public readonly record struct ChannelMessage(ChannelMessageKind Kind, StreamChannel Channel, ReadOnlyMemory<byte> Payload);

/// <summary>A terminal size as the resize channel carries it.</summary>
public readonly record struct TerminalSize(int Columns, int Rows);

/// <summary>
/// The WebSocket framing of pod exec, <c>v5.channel.k8s.io</c> and <c>v4.channel.k8s.io</c>, so existing Kubernetes
/// clients (kubectl, client-go, KubernetesClient) speak to <c>sandboxes/exec</c> unchanged: binary messages whose first
/// byte is the channel; v5 adds <c>[255, channel]</c>, "this stream is closed", which v4 cannot say (a v4 client's stdin
/// ends only when the connection does). Pure: no sockets, so it is tested byte for byte.
/// </summary>
public static class ChannelProtocol
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    /// <summary>The first byte of a v5 close message.</summary>
    public const byte CloseSignal = 255;

    /// <summary>The protocol to answer with among those the client offers (v5 first, whatever the client's order); null: none we speak.</summary>
    public static string? Negotiate(IEnumerable<string> offered)
    {
        var all = offered.SelectMany(o => o.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        return all.Contains(V5, StringComparer.Ordinal) ? V5 : all.Contains(V4, StringComparer.Ordinal) ? V4 : null;
    }

    /// <summary>One message carrying <paramref name="payload"/> on <paramref name="channel"/>.</summary>
    public static byte[] Frame(StreamChannel channel, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[payload.Length + 1];
        frame[0] = (byte)channel;
        payload.CopyTo(frame.AsSpan(1));
        return frame;
    }

    /// <summary>v5's "<paramref name="channel"/> is closed"; null under v4, which has no such message.</summary>
    public static byte[]? CloseFrame(string protocol, StreamChannel channel) =>
        protocol == V5 ? [CloseSignal, (byte)channel] : null;

    /// <summary>Reads one binary message of the client under <paramref name="protocol"/>.</summary>
    public static ChannelMessage Parse(string protocol, ReadOnlyMemory<byte> message)
    {
        if (message.IsEmpty)
        {
            return new ChannelMessage(ChannelMessageKind.Ignored, default, default);
        }

        var first = message.Span[0];
        if (first == CloseSignal)
        {
            return protocol == V5 && message.Length >= 2 && message.Span[1] <= (byte)StreamChannel.Resize
                ? new ChannelMessage(ChannelMessageKind.Closed, (StreamChannel)message.Span[1], default)
                : new ChannelMessage(ChannelMessageKind.Ignored, default, default);
        }

        return first <= (byte)StreamChannel.Resize
            ? new ChannelMessage(ChannelMessageKind.Data, (StreamChannel)first, message[1..])
            : new ChannelMessage(ChannelMessageKind.Ignored, default, default);
    }

    /// <summary>A resize message's size; null when it is not one (a bad size changes nothing rather than ending the session).</summary>
    public static TerminalSize? ParseResize(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("Width", out var width) && width.ValueKind == JsonValueKind.Number && width.TryGetInt32(out var columns)
                && root.TryGetProperty("Height", out var height) && height.ValueKind == JsonValueKind.Number && height.TryGetInt32(out var rows)
                && columns is >= 0 and <= ushort.MaxValue && rows is >= 0 and <= ushort.MaxValue
                ? new TerminalSize(columns, rows)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
