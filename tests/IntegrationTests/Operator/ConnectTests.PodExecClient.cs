using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using k8s;
using k8s.Models;
using NorthflankSimulator;

namespace IntegrationTests.Operator;

/// <summary>
/// sandboxes/exec speaks pod exec's WebSocket protocol well enough that KubernetesClient, unchanged, runs a command in a
/// Sandbox with its own stream machinery (its WebSocket connect, <see cref="StreamDemuxer"/>, its reading of the status
/// channel); and a throttled token is told when to come back, as a 429 with Retry-After, to raw clients and the plugin.
/// </summary>
public sealed partial class ConnectTests
{
    private static readonly TimeSpan ExecTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Kubernetes_clients_own_exec_stream_reads_stdout_stderr_and_the_exit_code()
    {
        await using var site = await ConnectSite.OpenAsync(this);
        var port = StartConnectOperator(site);
        await CreateAsync(NewSandbox("agent"));
        await WaitForConditionAsync("agent", "Ready", "True");
        await AsAliceAsync(site, port, "agent", async (_, kubeconfig) =>
        {
            using var client = new ExecClient(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var failed = await client.ExecAsync(Namespace, "agent", ["sh", "-c", "echo to-out; echo to-err >&2; exit 7"]);
            var succeeded = await client.ExecAsync(Namespace, "agent", ["sh", "-c", "printf 'a%.0s' $(seq 1 50000)"]);
            TestContext.Out.WriteLine($"{failed}\n{succeeded with { Stdout = $"{succeeded.Stdout.Length} bytes" }}");
            Assert.Multiple(() =>
            {
                Assert.That(failed.ExitCode, Is.EqualTo(7), "GetExitCodeOrThrow finds the exit code where it finds a pod's");
                Assert.That(failed.Stdout, Is.EqualTo("to-out\n"));
                Assert.That(failed.Stderr, Is.EqualTo("to-err\n"));
                Assert.That(succeeded.ExitCode, Is.Zero);
                Assert.That(succeeded.Stdout, Is.EqualTo(new string('a', 50000)), "a large output arrives whole, in order");
                Assert.That(succeeded.Stderr, Is.Empty);
            });
            AssertNoToken(failed.ToString() + succeeded);
        });
    }

    [Test]
    public async Task A_throttled_token_answers_429_with_retry_after_and_the_plugin_says_when_to_retry()
    {
        await using var site = await ConnectSite.OpenAsync(this);
        var port = StartConnectOperator(site);
        await CreateAsync(NewSandbox("agent"));
        await WaitForConditionAsync("agent", "Ready", "True");
        await AsAliceAsync(site, port, "agent", async (_, kubeconfig) =>
        {
            var usual = Simulator.GetRateLimit();
            try
            {
                await ExhaustRateLimitAsync();
                using var client = new ExecClient(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
                var (status, retryAfter, error) = client.RefusedExec(Namespace, "agent", ["true"]);
                var plugin = await PluginAsync(kubeconfig, null, "exec", "agent", "--", "true");
                TestContext.Out.WriteLine($"raw upgrade → {status}, Retry-After {retryAfter}: {error}\n{plugin.Describe()}");
                Assert.Multiple(() =>
                {
                    Assert.That(status, Is.EqualTo(HttpStatusCode.TooManyRequests), error);
                    Assert.That(retryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)), "Retry-After passes the aggregation layer");
                    Assert.That(plugin.ExitCode, Is.EqualTo(1), plugin.Describe());
                    Assert.That(plugin.Error, Does.Contain("throttled").And.Match(@"retry after \d+s"), plugin.Describe());
                });
                AssertNoToken(error + plugin.Output + plugin.Error);
            }
            finally
            {
                Simulator.SetRateLimit(usual);
            }
        });
    }

    /// <summary>The account's window shrunk to one request, and spent: Northflank now answers 429 to its token.</summary>
    private async Task ExhaustRateLimitAsync()
    {
        Simulator.SetRateLimit(new RateLimitOptions { Limit = 1, Window = TimeSpan.FromHours(1) });
        using var http = new HttpClient { BaseAddress = Simulator.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SimulatorOptions.DefaultDevelopmentToken);
        for (var i = 0; i < 5; i++)
        {
            using var response = await http.GetAsync("v1/projects");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return;
            }
        }

        Assert.Fail("the simulator never throttled the token");
    }

    private sealed record ExecResult(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    /// <summary>
    /// KubernetesClient's own client, pointed at sandboxes/exec instead of pods/exec: its WebSocket connect (the
    /// kubeconfig's credentials and CA, the subprotocol its pod exec asks for), its demuxer, and its status parsing, as
    /// its <c>NamespacedPodExecAsync</c> uses them. Only the URL is ours.
    /// </summary>
    private sealed class ExecClient(KubernetesClientConfiguration config) : Kubernetes(config)
    {
        private ClientWebSocket? lastSocket;

        public async Task<ExecResult> ExecAsync(string ns, string name, IReadOnlyList<string> command)
        {
            using var timeout = new CancellationTokenSource(ExecTimeout);
            var socket = await StreamConnectAsync(ExecUri(ns, name, command), WebSocketProtocol.V4BinaryWebsocketProtocol, cancellationToken: timeout.Token);
            using var demuxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: true);
            using var stdout = new StreamReader(demuxer.GetStream(ChannelIndex.StdOut, null), Encoding.UTF8);
            using var stderr = new StreamReader(demuxer.GetStream(ChannelIndex.StdErr, null), Encoding.UTF8);
            using var error = new StreamReader(demuxer.GetStream(ChannelIndex.Error, null), Encoding.UTF8);
            demuxer.Start();
            var output = stdout.ReadToEndAsync(timeout.Token);
            var errors = stderr.ReadToEndAsync(timeout.Token);
            var status = KubernetesJson.Deserialize<V1Status>(await error.ReadToEndAsync(timeout.Token));
            return new ExecResult(GetExitCodeOrThrow(status), await output, await errors);
        }

        /// <summary>
        /// An exec the server refuses: the status and Retry-After of its answer to the upgrade, and what KubernetesClient
        /// threw (a WebSocket client sees no body; the plugin reads it, from a plain request).
        /// </summary>
        public (HttpStatusCode? Status, RetryConditionHeaderValue? RetryAfter, string Error) RefusedExec(string ns, string name, IReadOnlyList<string> command)
        {
            CreateWebSocketBuilder = () =>
            {
                var builder = new RecordingBuilder();
                lastSocket = builder.Socket;
                return builder;
            };
            using var timeout = new CancellationTokenSource(ExecTimeout);
            var refused = Assert.CatchAsync(() => StreamConnectAsync(ExecUri(ns, name, command), WebSocketProtocol.V4BinaryWebsocketProtocol, cancellationToken: timeout.Token));
            var headers = lastSocket?.HttpResponseHeaders;
            var retryAfter = headers?.TryGetValue("Retry-After", out var values) == true && RetryConditionHeaderValue.TryParse(values.FirstOrDefault(), out var parsed) ? parsed : null;
            return (lastSocket?.HttpStatusCode, retryAfter, refused?.Message ?? "");
        }

        private Uri ExecUri(string ns, string name, IReadOnlyList<string> command)
        {
            var query = string.Join('&', command.Select(c => "command=" + Uri.EscapeDataString(c)).Concat(["stdout=true", "stderr=true"]));
            var builder = new UriBuilder(BaseUri)
            {
                Path = $"{BaseUri.AbsolutePath.TrimEnd('/')}/apis/{Group}/v1alpha1/namespaces/{ns}/sandboxes/{name}/exec",
                Query = query,
            };
            builder.Scheme = builder.Scheme == "https" ? "wss" : "ws";
            return builder.Uri;
        }
    }

    /// <summary>KubernetesClient's builder, keeping the status and headers of an upgrade the server refused.</summary>
    private sealed class RecordingBuilder : WebSocketBuilder
    {
        public RecordingBuilder() => WebSocket.Options.CollectHttpResponseDetails = true;

        public ClientWebSocket Socket => WebSocket;
    }
}
