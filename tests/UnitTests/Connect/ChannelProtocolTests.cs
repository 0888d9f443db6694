using System.Text;
using System.Text.Json.Nodes;
using SandboxOperator.Connect;

namespace UnitTests.Connect;

/// <summary>Pod exec's WebSocket framing, byte for byte, and the Status the error channel carries.</summary>
public class ChannelProtocolTests
{
    [TestCase(new[] { "v4.channel.k8s.io", "v5.channel.k8s.io" }, ChannelProtocol.V5)]
    [TestCase(new[] { "v4.channel.k8s.io" }, ChannelProtocol.V4)]
    [TestCase(new[] { "v5.channel.k8s.io, v4.channel.k8s.io" }, ChannelProtocol.V5)]
    [TestCase(new[] { "channel.k8s.io", "base64.channel.k8s.io" }, null)]
    public void The_protocol_is_v5_when_offered_else_v4_else_none(string[] offered, string? expected) =>
        Assert.That(ChannelProtocol.Negotiate(offered), Is.EqualTo(expected));

    [Test]
    public void A_frame_is_the_channel_byte_then_the_payload() =>
        Assert.That(ChannelProtocol.Frame(StreamChannel.Stderr, "oops"u8), Is.EqualTo(new byte[] { 2, (byte)'o', (byte)'o', (byte)'p', (byte)'s' }));

    [Test]
    public void Stdin_data_is_read_from_its_channel_under_both_protocols()
    {
        foreach (var protocol in new[] { ChannelProtocol.V4, ChannelProtocol.V5 })
        {
            var message = ChannelProtocol.Parse(protocol, new byte[] { 0, 104, 105 });
            Assert.That((message.Kind, message.Channel, Encoding.ASCII.GetString(message.Payload.Span)), Is.EqualTo((ChannelMessageKind.Data, StreamChannel.Stdin, "hi")), protocol);
        }
    }

    [Test]
    public void A_close_of_stdin_is_understood_under_v5_only()
    {
        var v5 = ChannelProtocol.Parse(ChannelProtocol.V5, new byte[] { 255, 0 });
        var v4 = ChannelProtocol.Parse(ChannelProtocol.V4, new byte[] { 255, 0 });
        Assert.Multiple(() =>
        {
            Assert.That((v5.Kind, v5.Channel), Is.EqualTo((ChannelMessageKind.Closed, StreamChannel.Stdin)));
            Assert.That(v4.Kind, Is.EqualTo(ChannelMessageKind.Ignored));
            Assert.That(ChannelProtocol.CloseFrame(ChannelProtocol.V5, StreamChannel.Stdout), Is.EqualTo(new byte[] { 255, 1 }));
            Assert.That(ChannelProtocol.CloseFrame(ChannelProtocol.V4, StreamChannel.Stdout), Is.Null);
        });
    }

    [Test]
    public void Empty_messages_and_unknown_channels_are_ignored() => Assert.Multiple(() =>
    {
        Assert.That(ChannelProtocol.Parse(ChannelProtocol.V5, Array.Empty<byte>()).Kind, Is.EqualTo(ChannelMessageKind.Ignored));
        Assert.That(ChannelProtocol.Parse(ChannelProtocol.V5, new byte[] { 9, 1 }).Kind, Is.EqualTo(ChannelMessageKind.Ignored));
        Assert.That(ChannelProtocol.Parse(ChannelProtocol.V5, new byte[] { 255, 77 }).Kind, Is.EqualTo(ChannelMessageKind.Ignored));
    });

    [Test]
    public void A_resize_reads_width_as_columns_and_height_as_rows() =>
        Assert.That(ChannelProtocol.ParseResize("{\"Width\":120,\"Height\":40}"u8), Is.EqualTo(new TerminalSize(120, 40)));

    [TestCase("{\"Width\":-1,\"Height\":40}")]
    [TestCase("{\"Width\":\"wide\",\"Height\":40}")]
    [TestCase("not json")]
    [TestCase("[1,2]")]
    public void A_bad_resize_is_no_size(string json) => Assert.That(ChannelProtocol.ParseResize(Encoding.UTF8.GetBytes(json)), Is.Null);

    [Test]
    public void Exit_zero_is_success() => Assert.That(JsonNode.Parse(ConnectStatus.OfCompletion(0, "Success", null))!.ToJsonString(), Is.EqualTo("{\"metadata\":{},\"status\":\"Success\"}"));

    [Test]
    public void A_non_zero_exit_carries_its_code_as_pod_exec_does()
    {
        var status = JsonNode.Parse(ConnectStatus.OfCompletion(3, "Failure", null))!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)status["status"], Is.EqualTo("Failure"));
            Assert.That((string?)status["reason"], Is.EqualTo("NonZeroExitCode"));
            Assert.That((string?)status["message"], Is.EqualTo("command terminated with non-zero exit code: 3"));
            Assert.That((string?)status["details"]!["causes"]![0]!["reason"], Is.EqualTo("ExitCode"));
            Assert.That((string?)status["details"]!["causes"]![0]!["message"], Is.EqualTo("3"));
        });
    }

    [TestCase(null, "Failure", "killed")]
    [TestCase(0, "Failure", "killed")]
    public void Other_ends_are_failures_without_an_exit_code(int? exitCode, string status, string message)
    {
        var answer = JsonNode.Parse(ConnectStatus.OfCompletion(exitCode, status, message))!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)answer["status"], Is.EqualTo("Failure"));
            Assert.That((string?)answer["message"], Is.EqualTo("killed"));
            Assert.That(answer["details"], Is.Null);
        });
    }

    [Test]
    public void An_http_refusal_is_a_status_with_its_code_and_reason()
    {
        var answer = JsonNode.Parse(ConnectStatus.Http(409, "SandboxPaused", "paused"))!;
        Assert.That(((string?)answer["kind"], (int?)answer["code"], (string?)answer["reason"]), Is.EqualTo(("Status", 409, "SandboxPaused")));
    }

    [Test]
    public void Exec_options_read_every_command_argument_and_refuse_no_command()
    {
        var query = new Dictionary<string, string[]> { ["command"] = ["sh", "-c", "echo hi"], ["stdin"] = ["true"], ["tty"] = ["false"] };
        var options = ExecOptions.Parse(name => query.TryGetValue(name, out var v) ? v : []);
        Assert.Multiple(() =>
        {
            Assert.That(options.Command, Is.EqualTo(new[] { "sh", "-c", "echo hi" }));
            Assert.That((options.Stdin, options.Stdout, options.Stderr, options.Tty), Is.EqualTo((true, true, true, false)));
            Assert.That(() => ExecOptions.Parse(_ => []), Throws.TypeOf<ConnectRefusedException>().With.Property("Code").EqualTo(400));
        });
    }

    [Test]
    public void Log_options_refuse_a_bad_number()
    {
        var query = new Dictionary<string, string[]> { ["follow"] = ["true"], ["tailLines"] = ["20"], ["sinceSeconds"] = ["x"] };
        Assert.That(() => LogOptions.Parse(name => query.TryGetValue(name, out var v) ? v : []), Throws.TypeOf<ConnectRefusedException>());
        query.Remove("sinceSeconds");
        Assert.That(LogOptions.Parse(name => query.TryGetValue(name, out var v) ? v : []), Is.EqualTo(new LogOptions(true, 20, null, false)));
    }

    [Test]
    public void Discovery_names_exec_and_log_as_namespaced_subresources()
    {
        var list = JsonNode.Parse(ConnectApi.ResourceList())!;
        var names = list["resources"]!.AsArray().Select(r => ((string?)r!["name"], (bool?)r["namespaced"], string.Join(",", r["verbs"]!.AsArray().Select(v => (string?)v))));
        Assert.That(names, Is.EqualTo(new[] { ("sandboxes/exec", (bool?)true, "create,get"), ("sandboxes/log", (bool?)true, "get") }));
        Assert.That((string?)list["groupVersion"], Is.EqualTo("connect.sandbox.northflank.com/v1alpha1"));
    }
}
