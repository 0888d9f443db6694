using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using SandboxOperator.Connect;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Connect;

/// <summary>
/// An exec end to end through the operator's Northflank exec client and the bridge: a Kubernetes client speaking pod
/// exec's v5/v4 channels on one side, a small fake of Northflank's exec WebSocket (as the official client's
/// ExecCommandStandard speaks it) on the other, over real sockets on loopback.
/// </summary>
public class ExecBridgeTests
{
    private static readonly NorthflankToken Token = new("nf-test-token");

    [Test]
    public async Task Stdin_resize_and_stdin_end_go_up_output_and_the_exit_code_come_down_under_v5()
    {
        await using var northflank = await SocketPair.CreateAsync(null);
        var fake = Task.Run(() => FakeNorthflankAsync(northflank.Server, exitCode: 3));
        using var streams = new NorthflankStreams(new WireOptions { BaseUrl = new Uri("https://nf.example") }, (_, _) => Task.FromResult(northflank.Client));
        await using var remote = await streams.OpenExecAsync(Token, "p1", "s1", new ExecContext(["sh", "-c", "cat"], Tty: true), CancellationToken.None);

        await using var kube = await SocketPair.CreateAsync(ChannelProtocol.V5);
        var options = new ExecOptions(["sh", "-c", "cat"], Stdin: true, Stdout: true, Stderr: true, Tty: true);
        var bridge = Task.Run(() => new ExecBridge(kube.Server, ChannelProtocol.V5, options, remote).RunAsync(CancellationToken.None));
        await Send(kube.Client, [0, .. "hello\n"u8.ToArray()]);
        await Send(kube.Client, [4, .. "{\"Width\":80,\"Height\":24}"u8.ToArray()]);
        await Send(kube.Client, [255, 0]);
        var received = await ReadUntilCloseAsync(kube.Client);
        var seen = await fake;

        Assert.Multiple(async () =>
        {
            Assert.That(received[1], Is.EqualTo("HELLO\n"));
            Assert.That(received[2], Is.EqualTo("warn"));
            Assert.That(received[3], Does.Contain("\"reason\":\"NonZeroExitCode\"").And.Contain("\"message\":\"3\""));
            Assert.That(kube.Client.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
            Assert.That(seen, Is.EqualTo(new[] { "init sh,-c,cat none base64 True token=nf-test-token", "payload hello\n", "resize 24x80", "stdInEnd" }));
            Assert.That(await bridge, Does.Contain("NonZeroExitCode"));
        });
    }

    [Test]
    public async Task Without_stdin_its_end_is_sent_at_once_and_exit_zero_is_success_under_v4()
    {
        await using var northflank = await SocketPair.CreateAsync(null);
        var fake = Task.Run(() => FakeNorthflankAsync(northflank.Server, exitCode: 0));
        using var streams = new NorthflankStreams(new WireOptions(), (_, _) => Task.FromResult(northflank.Client));
        await using var remote = await streams.OpenExecAsync(Token, "p1", "s1", new ExecContext(["true"], Tty: false), CancellationToken.None);

        await using var kube = await SocketPair.CreateAsync(ChannelProtocol.V4);
        var options = new ExecOptions(["true"], Stdin: false, Stdout: true, Stderr: false, Tty: false);
        var bridge = Task.Run(() => new ExecBridge(kube.Server, ChannelProtocol.V4, options, remote).RunAsync(CancellationToken.None));
        var received = await ReadUntilCloseAsync(kube.Client);
        var seen = await fake;

        Assert.Multiple(() =>
        {
            Assert.That(seen[^1], Is.EqualTo("stdInEnd"));
            Assert.That(received.ContainsKey(2), Is.False, "stderr was not asked for");
            Assert.That(received[3], Is.EqualTo("{\"metadata\":{},\"status\":\"Success\"}"));
        });
        await bridge;
    }

    [Test]
    public async Task A_client_that_goes_away_ends_the_command_on_northflank()
    {
        await using var northflank = await SocketPair.CreateAsync(null);
        var fake = Task.Run(async () =>
        {
            await ReceiveJsonAsync(northflank.Server);
            await SendJsonAsync(northflank.Server, new JsonObject { ["type"] = "init", ["data"] = new JsonObject { ["auth"] = "successful" } });
            try
            {
                while (await ReceiveJsonAsync(northflank.Server) is not null)
                {
                    // a long-running command: Northflank waits for the client, which goes away
                }

                return "closed";
            }
            catch (WebSocketException)
            {
                return "closed";
            }
        });
        using var streams = new NorthflankStreams(new WireOptions(), (_, _) => Task.FromResult(northflank.Client));
        var remote = await streams.OpenExecAsync(Token, "p1", "s1", new ExecContext(["sleep", "1000"], false), CancellationToken.None);

        await using var kube = await SocketPair.CreateAsync(ChannelProtocol.V5);
        var bridge = Task.Run(() => new ExecBridge(kube.Server, ChannelProtocol.V5, new ExecOptions(["sleep", "1000"], true, true, true, false), remote).RunAsync(CancellationToken.None));
        await kube.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        var status = await bridge;
        await remote.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(status, Is.Null, "nobody is left to tell");
            Assert.That(await fake, Is.EqualTo("closed"), "Northflank's socket went with the client");
        });
    }

    [Test]
    public async Task A_refused_init_is_an_error_that_names_northflanks_message_and_never_the_token()
    {
        await using var northflank = await SocketPair.CreateAsync(null);
        var fake = Task.Run(async () =>
        {
            await ReceiveJsonAsync(northflank.Server);
            await SendJsonAsync(northflank.Server, new JsonObject { ["type"] = "init", ["data"] = new JsonObject { ["auth"] = "failed", ["message"] = "Unknown or revoked API token" } });
        });
        using var streams = new NorthflankStreams(new WireOptions(), (_, _) => Task.FromResult(northflank.Client));
        var error = Assert.ThrowsAsync<NorthflankApiException>(() => streams.OpenExecAsync(Token, "p1", "s1", new ExecContext(["id"], false), CancellationToken.None))!;
        await fake;
        Assert.That(error.Message, Does.Contain("Unknown or revoked API token").And.Not.Contain("nf-test-token"));
    }

    [Test]
    public async Task A_log_tail_answers_its_batches_and_lines_are_written_as_pod_log_does()
    {
        await using var northflank = await SocketPair.CreateAsync(null);
        Uri? asked = null;
        var fake = Task.Run(async () =>
        {
            await ReceiveJsonAsync(northflank.Server);
            await SendJsonAsync(northflank.Server, new JsonObject { ["type"] = "init", ["data"] = new JsonObject { ["auth"] = "successful" } });
            await SendJsonAsync(northflank.Server, new JsonObject
            {
                ["type"] = "log-lines",
                ["data"] = new JsonArray(new JsonObject { ["containerId"] = "c1", ["log"] = "started", ["ts"] = "2026-12-06T10:00:00.120Z" }),
            });
            await northflank.Server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        });
        using var streams = new NorthflankStreams(new WireOptions(), (uri, _) => { asked = uri; return Task.FromResult(northflank.Client); });
        await using var tail = await streams.OpenLogTailAsync(Token, "p1", "s1", new NorthflankLogQuery(5, null), CancellationToken.None);
        var batch = await tail.ReceiveAsync(CancellationToken.None);
        await fake;

        Assert.Multiple(() =>
        {
            Assert.That(asked!.ToString(), Is.EqualTo("wss://api.northflank.com/v1/projects/p1/services/s1/logs?queryType=tail&lineLimit=5"));
            Assert.That(LogWriter.Format(batch!, timestamps: true), Is.EqualTo("2026-12-06T10:00:00.12Z started\n"));
            Assert.That(LogWriter.Format(batch!, timestamps: false), Is.EqualTo("started\n"));
        });
    }

    /// <summary>Northflank's side: the init, then every frame until stdInEnd, then output and the completion.</summary>
    private static async Task<List<string>> FakeNorthflankAsync(WebSocket socket, int exitCode)
    {
        var seen = new List<string>();
        var init = await ReceiveJsonAsync(socket);
        var context = init!["data"]!["context"]!;
        seen.Add($"init {string.Join(",", context["command"]!.AsArray().Select(a => (string?)a))} {(string?)context["shell"]} {(string?)context["encoding"]} {(bool?)context["tty"]} token={(string?)init["data"]!["auth"]!["apiToken"]}");
        await SendJsonAsync(socket, new JsonObject { ["type"] = "init", ["data"] = new JsonObject { ["auth"] = "successful" } });
        while (await ReceiveJsonAsync(socket) is { } frame)
        {
            var type = (string?)frame["type"];
            seen.Add(type switch
            {
                "payload" => $"payload {Encoding.UTF8.GetString(Convert.FromBase64String((string)frame["data"]!))}",
                "resize" => $"resize {(int?)frame["data"]!["ttyRows"]}x{(int?)frame["data"]!["ttyColumns"]}",
                _ => type ?? "?",
            });
            if (type == "stdInEnd")
            {
                break;
            }
        }

        await SendJsonAsync(socket, new JsonObject { ["type"] = "stdOut", ["data"] = Convert.ToBase64String("HELLO\n"u8) });
        await SendJsonAsync(socket, new JsonObject { ["type"] = "stdErr", ["data"] = Convert.ToBase64String("warn"u8) });
        await SendJsonAsync(socket, new JsonObject { ["type"] = "completion", ["data"] = new JsonObject { ["exitCode"] = exitCode, ["status"] = exitCode == 0 ? "Success" : "Failure" } });
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "completed", CancellationToken.None);
        return seen;
    }

    /// <summary>Every channel's bytes as text, until the server closes.</summary>
    private static async Task<Dictionary<int, string>> ReadUntilCloseAsync(WebSocket socket)
    {
        var received = new Dictionary<int, string>();
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return received;
            }

            received[buffer[0]] = received.GetValueOrDefault(buffer[0], "") + Encoding.UTF8.GetString(buffer, 1, result.Count - 1);
        }
    }

    private static Task Send(WebSocket socket, byte[] message) => socket.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None);

    private static async Task<JsonNode?> ReceiveJsonAsync(WebSocket socket)
    {
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return result.MessageType == WebSocketMessageType.Close ? null : JsonNode.Parse(buffer.AsSpan(0, result.Count));
    }

    private static Task SendJsonAsync(WebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Two WebSockets talking over a loopback TCP connection: no HTTP handshake, the framing is real.</summary>
    private sealed class SocketPair(WebSocket server, WebSocket client, TcpClient a, TcpClient b) : IAsyncDisposable
    {
        public WebSocket Server { get; } = server;

        public WebSocket Client { get; } = client;

        public static async Task<SocketPair> CreateAsync(string? protocol)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var connecting = new TcpClient();
            var connect = connecting.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            var accepted = await listener.AcceptTcpClientAsync();
            await connect;
            var server = WebSocket.CreateFromStream(accepted.GetStream(), isServer: true, protocol, TimeSpan.FromSeconds(30));
            var client = WebSocket.CreateFromStream(connecting.GetStream(), isServer: false, protocol, TimeSpan.FromSeconds(30));
            return new SocketPair(server, client, accepted, connecting);
        }

        public ValueTask DisposeAsync()
        {
            Server.Dispose();
            Client.Dispose();
            a.Dispose();
            b.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
