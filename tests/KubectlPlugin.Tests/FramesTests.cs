using System.Text;
using KubectlSandbox.Exec;
using KubectlSandbox.Kube;

namespace KubectlPlugin.Tests;

public class FramesTests
{
    [Test]
    public void A_frame_is_its_channel_byte_then_the_data()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Frames.Encode(Frames.Stdin, "hi"u8), Is.EqualTo(new byte[] { 0, (byte)'h', (byte)'i' }));
            Assert.That(Frames.Closed(Frames.Stdin), Is.EqualTo(new byte[] { 255, 0 }));
            Assert.That(Encoding.UTF8.GetString(Frames.TerminalSize(120, 40).AsSpan(1)), Is.EqualTo("{\"Width\":120,\"Height\":40}"));
            Assert.That(Frames.TerminalSize(120, 40)[0], Is.EqualTo(Frames.Resize));
        });
    }

    [Test]
    public void Success_is_exit_code_zero() =>
        Assert.That(Frames.ExitCode("""{"metadata":{},"status":"Success"}"""u8), Is.Zero);

    [Test]
    public void A_non_zero_exit_code_comes_from_the_exit_code_cause()
    {
        var status = """{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: 42","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"42"}]}}"""u8;

        Assert.That(Frames.ExitCode(status), Is.EqualTo(42));
    }

    [Test]
    public void Another_failure_is_an_error_with_the_server_s_message()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Frames.ExitCode("""{"metadata":{},"status":"Failure","message":"the sandbox went away","reason":"InternalError"}"""u8),
                Throws.TypeOf<ApiError>().With.Message.EqualTo("the sandbox went away"));
            Assert.That(() => Frames.ExitCode("""{"status":"Failure","reason":"NonZeroExitCode","message":"no cause"}"""u8),
                Throws.TypeOf<ApiError>().With.Message.EqualTo("no cause"));
            Assert.That(() => Frames.ExitCode("not json"u8), Throws.TypeOf<ApiError>());
        });
    }

    [Test]
    public void Exec_paths_carry_one_command_parameter_per_argument_and_merge_stderr_into_a_tty()
    {
        var plain = ExecCommand.Path("team-a", "box", ["sh", "-c", "echo a&b"], stdin: true, tty: false);
        var tty = ExecCommand.Path("team-a", "box", ["bash"], stdin: true, tty: true);

        Assert.That(plain, Is.EqualTo("/apis/connect.sandbox.northflank.com/v1alpha1/namespaces/team-a/sandboxes/box/exec?command=sh&command=-c&command=echo%20a%26b&stdin=true&stdout=true&stderr=true&tty=false"));
        Assert.That(tty, Does.EndWith("?command=bash&stdin=true&stdout=true&stderr=false&tty=true"));
    }
}
