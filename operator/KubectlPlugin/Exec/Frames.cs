using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KubectlSandbox.Kube;

namespace KubectlSandbox.Exec;

/// <summary>
/// The pod-exec channel protocol (<c>v5.channel.k8s.io</c>, <c>v4.channel.k8s.io</c>): each binary message starts with
/// its channel; v5 adds <c>[255, channel]</c>, "this stream is closed", which is how stdin's end reaches the command.
/// </summary>
internal static class Frames
{
    public const byte Stdin = 0;
    public const byte Stdout = 1;
    public const byte Stderr = 2;
    public const byte Error = 3;
    public const byte Resize = 4;
    public const byte Close = 255;

    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    public static byte[] Encode(byte channel, ReadOnlySpan<byte> data)
    {
        var frame = new byte[data.Length + 1];
        frame[0] = channel;
        data.CopyTo(frame.AsSpan(1));
        return frame;
    }

    /// <summary>v5's "no more data on <paramref name="channel"/>".</summary>
    public static byte[] Closed(byte channel) => [Close, channel];

    public static byte[] TerminalSize(int columns, int rows) =>
        Encode(Resize, Encoding.UTF8.GetBytes($"{{\"Width\":{columns.ToString(CultureInfo.InvariantCulture)},\"Height\":{rows.ToString(CultureInfo.InvariantCulture)}}}"));

    /// <summary>
    /// The command's exit code from the error channel's <c>metav1.Status</c>: 0 for Success, the ExitCode cause of a
    /// NonZeroExitCode. Any other failure is no exit code of the command: it throws its message.
    /// </summary>
    public static int ExitCode(ReadOnlySpan<byte> status)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(status.ToArray());
        }
        catch (System.Text.Json.JsonException)
        {
            throw new ApiError($"the server's exec status is not JSON: {Encoding.UTF8.GetString(status)}");
        }

        if (json?["status"]?.GetValue<string>() == "Success")
        {
            return 0;
        }

        var causes = json?["details"]?["causes"]?.AsArray() ?? [];
        var exitCode = causes.FirstOrDefault(c => c?["reason"]?.GetValue<string>() == "ExitCode")?["message"]?.GetValue<string>();
        if (json?["reason"]?.GetValue<string>() == "NonZeroExitCode" && int.TryParse(exitCode, CultureInfo.InvariantCulture, out var code))
        {
            return code;
        }

        throw new ApiError(json?["message"]?.GetValue<string>() ?? "the command failed without a message");
    }
}
