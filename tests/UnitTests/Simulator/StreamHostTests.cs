using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using NorthflankSimulator;

namespace UnitTests.Simulator;

/// <summary>The exec and log-tail WebSockets of an in-process simulator, spoken frame by frame.</summary>
[NonParallelizable]
public sealed class StreamHostTests
{
    private const string Token = "stream-token";
    private SimulatorHost host = null!;
    private HttpClient client = null!;

    [SetUp]
    public async Task SetUp()
    {
        host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Tokens = [new SimulatorToken(Token)],
            Deployment = new DeploymentOptions { PendingDuration = TimeSpan.FromMilliseconds(1), InProgressDuration = TimeSpan.FromMilliseconds(1) },
            Logs = new LogOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(50), TailBatchInterval = TimeSpan.FromMilliseconds(20) },
        });
        client = new HttpClient { BaseAddress = host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var created = await client.PostAsJsonAsync("v1/projects/default-project/services/deployment", new JsonObject
        {
            ["name"] = "web",
            ["billing"] = new JsonObject { ["deploymentPlan"] = "nf-compute-20" },
            ["deployment"] = new JsonObject { ["instances"] = 1, ["external"] = new JsonObject { ["imagePath"] = "nginx:1" } },
            ["runtimeEnvironment"] = new JsonObject { ["GREETING"] = "hello" },
        });
        created.EnsureSuccessStatusCode();
        await Eventually.True(() => host.GetService("default-project", "web")?.Status == "COMPLETED");
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await host.DisposeAsync();
    }

    private async Task<ClientWebSocket> OpenAsync(string path, string token, JsonObject? context = null)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(new Uri(host.BaseUrl.ToString().Replace("http:", "ws:", StringComparison.Ordinal)), path), CancellationToken.None);
        var init = new JsonObject { ["auth"] = new JsonObject { ["type"] = "apiToken", ["apiToken"] = token } };
        if (context is not null)
        {
            init["context"] = context;
        }

        await SendAsync(socket, "init", init);
        return socket;
    }

    private static Task SendAsync(WebSocket socket, string type, JsonNode? data = null) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["data"] = data }.ToJsonString()), WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Every frame until the server closes.</summary>
    private static async Task<List<JsonObject>> FramesAsync(WebSocket socket, Func<List<JsonObject>, bool>? stopWhen = null)
    {
        var frames = new List<JsonObject>();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (stopWhen?.Invoke(frames) != true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            frames.Add((JsonObject)JsonNode.Parse(buffer.AsSpan(0, result.Count))!);
        }

        return frames;
    }

    private static string Text(List<JsonObject> frames, string type) =>
        string.Concat(frames.Where(f => (string?)f["type"] == type).Select(f => (string?)f["data"]));

    [Test]
    public async Task An_exec_streams_output_and_completes_with_the_exit_code()
    {
        using var socket = await OpenAsync("v1/command-exec/projects/default-project/services/web", Token, new JsonObject
        {
            ["command"] = "read line; echo \"$GREETING $line\"; echo oops >&2; exit 2",
            ["shell"] = "sh -c",
        });
        await SendAsync(socket, "payload", "world\n");
        await SendAsync(socket, "stdInEnd");

        var frames = await FramesAsync(socket);

        Assert.That((string?)frames[0]["data"]!["auth"], Is.EqualTo("successful"));
        Assert.That(Text(frames, "stdOut"), Is.EqualTo("hello world\n"));
        Assert.That(Text(frames, "stdErr"), Is.EqualTo("oops\n"));
        Assert.That(frames[^1].ToJsonString(), Is.EqualTo("""{"type":"completion","data":{"exitCode":2,"status":"Failure"}}"""));
        Assert.That(socket.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        await Eventually.True(() => host.GetRequests().Any(r => r.Route == "/v1/command-exec/projects/{projectId}/services/{serviceId}" && r.Status == 101));
    }

    [Test]
    public async Task An_unknown_token_fails_the_init_and_closes_with_policy_violation()
    {
        using var socket = await OpenAsync("v1/command-exec/projects/default-project/services/web", "wrong", new JsonObject { ["command"] = new JsonArray("true") });

        var frames = await FramesAsync(socket);

        Assert.That(frames.Single().ToJsonString(), Does.Contain("\"type\":\"init\"").And.Contain("\"auth\":\"failed\"").And.Contain("\"status\":401"));
        Assert.That(socket.CloseStatus, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(host.GetRequests().Select(r => r.ErrorId), Does.Contain("unauthenticated"));
    }

    [Test]
    public async Task Deleting_the_service_ends_a_running_exec()
    {
        using var socket = await OpenAsync("v1/command-exec/projects/default-project/services/web", Token, new JsonObject
        {
            ["command"] = new JsonArray("sleep", "600"),
            ["shell"] = "none",
        });
        var init = await FramesAsync(socket, frames => frames.Count == 1);
        Assert.That((string?)init[0]["data"]!["auth"], Is.EqualTo("successful"));

        (await client.DeleteAsync("v1/projects/default-project/services/web")).Dispose();
        var frames = await FramesAsync(socket);

        Assert.That(frames.Single().ToJsonString(), Does.Contain("\"type\":\"error\"").And.Contain("\"status\":404"));
    }

    [Test]
    public async Task A_log_tail_sends_recent_lines_then_new_ones()
    {
        using var socket = await OpenAsync("v1/projects/default-project/services/web/logs?queryType=tail&lineLimit=2", Token);

        var frames = await FramesAsync(socket, frames => frames.Count(f => (string?)f["type"] == "log-lines") >= 2);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.That(frames[0].ToJsonString(), Is.EqualTo("""{"type":"init","data":{"auth":"successful"}}"""));
        var first = (JsonArray)frames[1]["data"]!;
        var next = (JsonArray)frames[2]["data"]!;
        Assert.That(first, Has.Count.EqualTo(2));
        Assert.That(string.CompareOrdinal((string?)next[0]!["ts"], (string?)first[^1]!["ts"]), Is.Positive);
        Assert.That((string?)next[0]!["log"], Does.Contain("heartbeat"));
    }
}
