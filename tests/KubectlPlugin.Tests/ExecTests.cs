using System.Net;
using System.Text;
using KubectlSandbox.Cli;
using KubectlSandbox.Exec;
using KubectlSandbox.Kube;

namespace KubectlPlugin.Tests;

/// <summary>Exec end to end against the fake API server: the WebSocket, the framing both ways, the exit code, refusals.</summary>
public class ExecTests
{
    private FakeApiServer server = null!;
    private DirectoryInfo directory = null!;
    private KubeConnection connection = null!;

    [SetUp]
    public async Task StartServer()
    {
        server = await FakeApiServer.StartAsync();
        directory = Directory.CreateTempSubdirectory("plugin-exec-");
        connection = KubeConnection.Open(new Target(server.WriteKubeconfig(directory.FullName), null, null));
    }

    [TearDown]
    public async Task StopServer()
    {
        connection.Dispose();
        await server.DisposeAsync();
        directory.Delete(recursive: true);
    }

    [Test]
    public async Task Stdin_is_echoed_back_on_stdout_and_the_remote_exit_code_is_returned()
    {
        var (exit, stdout) = await ExecAsync("box", ["echo", "3"], "hello from stdin\n");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(3));
            Assert.That(stdout, Is.EqualTo("hello from stdin\n"));
            Assert.That(server.Requests, Has.Some.StartsWith("GET /apis/connect.sandbox.northflank.com/v1alpha1/namespaces/team-a/sandboxes/box/exec?command=echo&command=3&stdin=true"));
        });
    }

    [Test]
    public async Task A_large_stdin_arrives_whole_and_exit_zero_is_success()
    {
        var big = new string('x', 300_000) + "end";

        var (exit, stdout) = await ExecAsync("box", ["echo", "0"], big);

        Assert.That((exit, stdout), Is.EqualTo((0, big)));
    }

    [Test]
    public async Task A_server_without_v5_is_spoken_to_in_v4()
    {
        server.Protocols.Remove(Frames.V5);

        var socket = await connection.ConnectAsync(ExecCommand.Path("team-a", "box", ["exit", "7"], false, false), [Frames.V5, Frames.V4], CancellationToken.None);
        using var session = new ExecSession(socket, null, Stream.Null, Stream.Null);

        Assert.That(socket.SubProtocol, Is.EqualTo(Frames.V4));
        Assert.That(await session.RunAsync(CancellationToken.None), Is.EqualTo(7));
    }

    [Test]
    public async Task A_failure_without_an_exit_code_is_an_error_with_the_server_s_message()
    {
        Assert.That(async () => await ExecAsync("box", ["fail"], null), Throws.TypeOf<ApiError>().With.Message.EqualTo("the sandbox went away"));
    }

    [Test]
    public void A_refused_exec_prints_the_server_s_status_message()
    {
        Assert.That(async () => await ExecAsync("forbidden", ["echo", "0"], null),
            Throws.TypeOf<ApiError>().With.Message.Contains("cannot create resource \"sandboxes/exec\"").And.Property(nameof(ApiError.Code)).EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public void A_throttled_exec_says_when_to_retry()
    {
        Assert.That(async () => await ExecAsync("throttled", ["echo", "0"], null),
            Throws.TypeOf<ApiError>().With.Message.EqualTo("the Sandbox's Northflank token is throttled (retry after 30s)"));
    }

    [Test]
    public async Task A_resize_reaches_the_server_as_the_terminal_size_message()
    {
        var socket = await connection.ConnectAsync(ExecCommand.Path("team-a", "box", ["echo", "0"], true, true), [Frames.V5], CancellationToken.None);
        var stdin = new BlockingStream();
        using var session = new ExecSession(socket, stdin, Stream.Null, Stream.Null);
        var run = session.RunAsync(CancellationToken.None);

        await session.ResizeAsync(132, 43, CancellationToken.None);
        stdin.End();

        Assert.That(await run, Is.Zero);
        Assert.That(server.Resizes, Is.EqualTo(new[] { "{\"Width\":132,\"Height\":43}" }));
    }

    private async Task<(int Exit, string Stdout)> ExecAsync(string name, List<string> command, string? stdin)
    {
        var stdout = new MemoryStream();
        var input = stdin is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        var exit = await ExecCommand.RunAsync(connection, name, command, input, stdout, Stream.Null, false, null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()));
    }

    /// <summary>A stdin that has nothing until <see cref="End"/>, as a terminal waiting for keys.</summary>
    private sealed class BlockingStream : Stream
    {
        private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void End() => ended.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await ended.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
