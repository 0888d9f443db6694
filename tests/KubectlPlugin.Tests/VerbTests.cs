using System.Text;
using System.Text.Json.Nodes;
using KubectlSandbox.Cli;
using KubectlSandbox.Kube;
using KubectlSandbox.Sandboxes;

namespace KubectlPlugin.Tests;

/// <summary>logs, url, pause, resume and wait against the fake API server.</summary>
public class VerbTests
{
    private FakeApiServer server = null!;
    private DirectoryInfo directory = null!;
    private KubeConnection connection = null!;
    private Target target = null!;

    [SetUp]
    public async Task StartServer()
    {
        server = await FakeApiServer.StartAsync();
        directory = Directory.CreateTempSubdirectory("plugin-verbs-");
        target = new Target(server.WriteKubeconfig(directory.FullName), null, null);
        connection = KubeConnection.Open(target);
        server.Sandboxes["team-a/box"] = Sandbox("box", ready: false);
    }

    [TearDown]
    public async Task StopServer()
    {
        connection.Dispose();
        await server.DisposeAsync();
        directory.Delete(recursive: true);
    }

    [Test]
    public async Task Logs_stream_the_lines_and_send_pod_log_s_options()
    {
        var stdout = new MemoryStream();

        var exit = await LogsCommand.RunAsync(connection, new LogsVerb(target, "box", true, TimeSpan.FromSeconds(90.5), 10, true), stdout, CancellationToken.None);

        Assert.That(exit, Is.Zero);
        Assert.That(Encoding.UTF8.GetString(stdout.ToArray()), Is.EqualTo("2026-12-06T10:00:00.123456789Z first line\n2026-12-06T10:00:00.123456789Z second line\n"));
        Assert.That(server.Requests, Has.Member("GET /apis/connect.sandbox.northflank.com/v1alpha1/namespaces/team-a/sandboxes/box/log?follow=true&tailLines=10&sinceSeconds=91&timestamps=true"));
    }

    [Test]
    public void Logs_of_a_paused_sandbox_print_the_server_s_conflict()
    {
        Assert.That(async () => await LogsCommand.RunAsync(connection, new LogsVerb(target, "paused", false, null, null, false), Stream.Null, CancellationToken.None),
            Throws.TypeOf<ApiError>().With.Message.EqualTo("sandbox paused is Paused: resume it first"));
    }

    [Test]
    public async Task Pause_and_resume_merge_patch_the_operating_mode()
    {
        var stdout = new StringWriter();

        await SandboxCommands.RunAsync(connection, new SandboxVerb(target, "pause", "box"), stdout, CancellationToken.None);
        await SandboxCommands.RunAsync(connection, new SandboxVerb(target, "resume", "box"), stdout, CancellationToken.None);

        Assert.That(server.Patches, Is.EqualTo(new[]
        {
            "application/merge-patch+json {\"spec\":{\"operatingMode\":\"Paused\"}}",
            "application/merge-patch+json {\"spec\":{\"operatingMode\":\"Running\"}}",
        }));
        Assert.That(stdout.ToString(), Is.EqualTo("sandbox.sandbox.northflank.com/box paused\nsandbox.sandbox.northflank.com/box resumed\n"));
    }

    [Test]
    public async Task Url_prints_status_url_else_every_public_endpoint_else_says_there_is_none()
    {
        var stdout = new StringWriter();
        server.Sandboxes["team-a/box"]["status"] = new JsonObject { ["url"] = "https://box.example.com" };
        await SandboxCommands.RunAsync(connection, new SandboxVerb(target, "url", "box"), stdout, CancellationToken.None);

        var endpoints = new JsonArray(new JsonObject { ["url"] = "https://a.example.com" }, new JsonObject { ["url"] = "" }, new JsonObject { ["url"] = "b.example.com:5432" });
        Assert.That(SandboxCommands.Urls(new JsonObject { ["status"] = new JsonObject { ["endpoints"] = endpoints } }), Is.EqualTo(new[] { "https://a.example.com", "b.example.com:5432" }));
        Assert.That(() => SandboxCommands.Urls(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "box" } }), Throws.TypeOf<ApiError>().With.Message.Contains("no public URL"));
        Assert.That(stdout.ToString(), Is.EqualTo("https://box.example.com\n"));
    }

    [Test]
    public void A_missing_sandbox_is_the_server_s_not_found()
    {
        Assert.That(async () => await SandboxCommands.RunAsync(connection, new SandboxVerb(target, "url", "nope"), TextWriter.Null, CancellationToken.None),
            Throws.TypeOf<ApiError>().With.Message.EqualTo("sandboxes.sandbox.northflank.com \"nope\" not found"));
    }

    [Test]
    public async Task Wait_returns_when_a_watch_event_shows_the_condition()
    {
        server.WatchEvent = Sandbox("box", ready: true);
        var stdout = new StringWriter();

        var exit = await WaitCommand.RunAsync(connection, new WaitVerb(target, "box", "Ready", true, TimeSpan.FromMinutes(1)), stdout, CancellationToken.None);

        Assert.That(exit, Is.Zero);
        Assert.That(stdout.ToString(), Is.EqualTo("sandbox.sandbox.northflank.com/box condition met\n"));
        Assert.That(server.Requests, Has.Some.Contains("watch=true&allowWatchBookmarks=false&fieldSelector=metadata.name%3Dbox&resourceVersion=7"));
    }

    [Test]
    public void Wait_times_out_with_kubectl_s_message()
    {
        Assert.That(async () => await WaitCommand.RunAsync(connection, new WaitVerb(target, "box", "Ready", true, TimeSpan.FromMilliseconds(300)), TextWriter.Null, CancellationToken.None),
            Throws.TypeOf<ApiError>().With.Message.EqualTo("timed out waiting for the condition on sandboxes/box"));
    }

    [Test]
    public void A_condition_of_an_older_generation_is_not_met()
    {
        var sandbox = Sandbox("box", ready: true);
        sandbox["metadata"]!["generation"] = 3;

        Assert.Multiple(() =>
        {
            Assert.That(WaitCommand.Met(sandbox, "Ready", true), Is.False);
            Assert.That(WaitCommand.Met(Sandbox("box", ready: true), "ready", true), Is.True);
            Assert.That(WaitCommand.Met(Sandbox("box", ready: false), "Ready", false), Is.True);
            Assert.That(WaitCommand.Met(Sandbox("box", ready: true), "Synced", true), Is.False);
        });
    }

    private static JsonObject Sandbox(string name, bool ready) => new()
    {
        ["apiVersion"] = "sandbox.northflank.com/v1alpha1",
        ["kind"] = "Sandbox",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "team-a", ["resourceVersion"] = "7", ["generation"] = 2 },
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["observedGeneration"] = 2 }),
        },
    };
}
