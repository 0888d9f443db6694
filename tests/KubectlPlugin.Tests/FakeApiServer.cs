using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KubectlPlugin.Tests;

/// <summary>
/// An API server in the test process (Kestrel on 127.0.0.1) that speaks the connect contract as the plugin sees it:
/// bearer-token authentication, the exec WebSocket (v5 or v4; <c>echo N</c> echoes stdin to stdout and exits N, <c>exit N</c> exits N at once,
/// <c>fail</c> ends with a Failure Status, <c>tar ...</c> really runs tar here), the log subresource, and Sandbox
/// objects with GET, merge PATCH and a one-event watch. Sandboxes named <c>forbidden</c>, <c>throttled</c> and
/// <c>paused</c> are refused as the operator refuses them.
/// </summary>
internal sealed partial class FakeApiServer : IAsyncDisposable
{
    public const string Token = "test-bearer-token";
    private const string Connect = "/apis/connect.sandbox.northflank.com/v1alpha1/namespaces/{ns}/sandboxes/{name}";
    private const string Objects = "/apis/sandbox.northflank.com/v1alpha1/namespaces/{ns}/sandboxes";

    private readonly WebApplication app;

    private FakeApiServer(WebApplication app) => this.app = app;

    /// <summary>The subprotocols this server accepts, best first; a test drops v5 to see the v4 fallback.</summary>
    public List<string> Protocols { get; } = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Resizes { get; } = new();

    public ConcurrentQueue<string> Patches { get; } = new();

    /// <summary>The Sandbox objects, by namespace/name.</summary>
    public ConcurrentDictionary<string, JsonObject> Sandboxes { get; } = new();

    /// <summary>What the next watch sends as its one MODIFIED event; null sends none.</summary>
    public JsonObject? WatchEvent { get; set; }

    public Uri Address { get; private set; } = null!;

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = new FakeApiServer(builder.Build());
        server.Map();
        await server.app.StartAsync();
        server.Address = new Uri(server.app.Urls.First());
        return server;
    }

    /// <summary>A kubeconfig for this server, its user authenticated by <see cref="Token"/>, written to <paramref name="directory"/>.</summary>
    public string WriteKubeconfig(string directory, string @namespace = "team-a")
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            current-context: fake
            contexts:
            - name: fake
              context: {"{"}cluster: fake, user: alice, namespace: {@namespace}{"}"}
            clusters:
            - name: fake
              cluster: {"{"}server: "{Address}"{"}"}
            users:
            - name: alice
              user: {"{"}token: {Token}{"}"}
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private void Map()
    {
        app.UseWebSockets();
        app.Use(async (http, next) =>
        {
            Requests.Enqueue($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}");
            if (http.Request.Headers.Authorization != $"Bearer {Token}")
            {
                await StatusAsync(http, 401, "Unauthorized", "Unauthorized");
                return;
            }

            await next(http);
        });
        app.Map(Connect + "/exec", ExecAsync);
        app.MapGet(Connect + "/log", LogAsync);
        app.MapGet(Objects + "/{name}", (HttpContext http, string ns, string name) => GetAsync(http, ns, name));
        app.MapMethods(Objects + "/{name}", ["PATCH"], PatchAsync);
        app.MapGet(Objects, WatchAsync);
    }

    private async Task ExecAsync(HttpContext http, string ns, string name)
    {
        if (await RefusedAsync(http, name))
        {
            return;
        }

        var protocol = Protocols.FirstOrDefault(http.WebSockets.WebSocketRequestedProtocols.Contains);
        if (!http.WebSockets.IsWebSocketRequest || protocol is null)
        {
            await StatusAsync(http, 400, "BadRequest", "a WebSocket upgrade with v5.channel.k8s.io or v4.channel.k8s.io is required");
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync(protocol);
        var command = http.Request.Query["command"].Select(c => c!).ToList();
        var exit = command[0] switch
        {
            "echo" => await EchoAsync(socket, int.Parse(command[1], System.Globalization.CultureInfo.InvariantCulture), http.Request.Query["tty"] == "true"),
            "exit" => int.Parse(command[1], System.Globalization.CultureInfo.InvariantCulture),
            "tar" => await RunAsync(socket, command, http.Request.Query["stdin"] == "true"),
            _ => (int?)null,
        };
        var status = exit switch
        {
            0 => new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" },
            { } code => ExitStatus(code),
            null => new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = "the sandbox went away", ["reason"] = "InternalError" },
        };
        await SendAsync(socket, 3, Encoding.UTF8.GetBytes(status.ToJsonString()));
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static JsonObject ExitStatus(int code) => new()
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"command terminated with non-zero exit code: {code}",
        ["reason"] = "NonZeroExitCode",
        ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = $"{code}" }) },
    };

    /// <summary>
    /// Echoes stdin to stdout until stdin's v5 close (or the client's close); records resizes. With a TTY it acts as a
    /// shell: a prompt first, and Ctrl+D (which a raw terminal sends as a byte) ends it.
    /// </summary>
    private async Task<int> EchoAsync(WebSocket socket, int exit, bool tty)
    {
        if (tty)
        {
            await SendAsync(socket, 1, "$ "u8.ToArray());
        }

        await foreach (var message in MessagesAsync(socket))
        {
            switch (message)
            {
                case [255, 0]:
                    return exit;
                case [0, .. var data]:
                    await SendAsync(socket, 1, data);
                    if (tty && data.Contains((byte)4))
                    {
                        return exit;
                    }

                    break;
                case [4, .. var size]:
                    Resizes.Enqueue(Encoding.UTF8.GetString(size));
                    break;
            }
        }

        return exit;
    }

    private static async IAsyncEnumerable<byte[]> MessagesAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                yield break;
            }

            yield return message.ToArray();
        }
    }

    private static readonly SemaphoreSlim Sending = new(1, 1);

    private static async Task SendAsync(WebSocket socket, byte channel, byte[] data)
    {
        await Sending.WaitAsync();
        try
        {
            await socket.SendAsync((byte[])[channel, .. data], WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        finally
        {
            Sending.Release();
        }
    }

    private static async Task<bool> RefusedAsync(HttpContext http, string name)
    {
        switch (name)
        {
            case "forbidden":
                await StatusAsync(http, 403, "Forbidden", $"sandboxes.connect.sandbox.northflank.com \"{name}\" is forbidden: User \"alice\" cannot create resource \"sandboxes/exec\"");
                return true;
            case "throttled":
                http.Response.Headers.RetryAfter = "30";
                await StatusAsync(http, 429, "TooManyRequests", "the Sandbox's Northflank token is throttled");
                return true;
            case "paused":
                await StatusAsync(http, 409, "Conflict", "sandbox paused is Paused: resume it first");
                return true;
            default:
                return false;
        }
    }

    private static async Task StatusAsync(HttpContext http, int code, string reason, string message)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        }.ToJsonString());
    }
}
