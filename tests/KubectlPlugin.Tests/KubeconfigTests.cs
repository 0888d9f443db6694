using KubectlSandbox.Cli;
using KubectlSandbox.Kube;
using KubectlSandbox.Sandboxes;

namespace KubectlPlugin.Tests;

/// <summary>The kubeconfig as kubectl reads it: flags, KUBECONFIG merging, the context's namespace, exec credential plugins.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class KubeconfigTests
{
    private FakeApiServer server = null!;
    private DirectoryInfo directory = null!;

    [SetUp]
    public async Task StartServer()
    {
        server = await FakeApiServer.StartAsync();
        directory = Directory.CreateTempSubdirectory("plugin-kubeconfig-");
    }

    [TearDown]
    public async Task StopServer()
    {
        await server.DisposeAsync();
        directory.Delete(recursive: true);
    }

    [Test]
    public void The_namespace_is_the_flag_else_the_context_s_else_default()
    {
        var path = server.WriteKubeconfig(directory.FullName, "from-context");
        File.WriteAllText(path, File.ReadAllText(path).Replace(", namespace: from-context", "", StringComparison.Ordinal).Replace("current-context: fake", "current-context: fake\n# no namespace", StringComparison.Ordinal));
        var other = Path.Combine(directory.FullName, "other");
        Directory.CreateDirectory(other);
        var withNamespace = server.WriteKubeconfig(other, "from-context");

        using var flag = KubeConnection.Open(new Target(withNamespace, null, "from-flag"));
        using var context = KubeConnection.Open(new Target(withNamespace, null, null));
        using var none = KubeConnection.Open(new Target(path, null, null));

        Assert.That(new[] { flag.Namespace, context.Namespace, none.Namespace }, Is.EqualTo(new[] { "from-flag", "from-context", "default" }));
    }

    [Test]
    public void KUBECONFIG_files_merge_with_the_first_one_winning()
    {
        var first = Path.Combine(directory.FullName, "first");
        File.WriteAllText(first, "apiVersion: v1\nkind: Config\ncurrent-context: fake\ncontexts:\n- name: fake\n  context: {cluster: fake, user: alice, namespace: first}\n");
        Directory.CreateDirectory(Path.Combine(directory.FullName, "second"));
        var second = server.WriteKubeconfig(Path.Combine(directory.FullName, "second"), "second");
        var missing = Path.Combine(directory.FullName, "missing");

        var files = Kubeconfig.Files(null, string.Join(Path.PathSeparator, first, missing, second));
        var merged = Kubeconfig.Load(files);

        Assert.That(files, Is.EqualTo(new[] { first, second }));
        Assert.That(merged.CurrentContext, Is.EqualTo("fake"));
        Assert.That(merged.Contexts.Single().ContextDetails.Namespace, Is.EqualTo("first"));
        Assert.That(merged.Clusters.Single().ClusterEndpoint.Server, Is.EqualTo(server.Address.ToString()));
    }

    [Test]
    public void An_unknown_context_is_a_clear_error()
    {
        var path = server.WriteKubeconfig(directory.FullName);

        Assert.That(() => KubeConnection.Open(new Target(path, "nope", null)), Throws.TypeOf<ApiError>().With.Message.Contains("nope"));
    }

    [Test]
    public async Task An_exec_credential_plugin_s_token_authenticates_the_requests()
    {
        var plugin = Path.Combine(directory.FullName, "credential-plugin");
        File.WriteAllText(plugin, $"#!/bin/sh\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{FakeApiServer.Token}\"}}}}'\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = server.WriteKubeconfig(directory.FullName);
        File.WriteAllText(path, File.ReadAllText(path).Replace(
            $"user: {{token: {FakeApiServer.Token}}}",
            $"user:\n    exec: {{apiVersion: client.authentication.k8s.io/v1, command: {plugin}, interactiveMode: Never}}",
            StringComparison.Ordinal));
        server.Sandboxes["team-a/box"] = new System.Text.Json.Nodes.JsonObject { ["status"] = new System.Text.Json.Nodes.JsonObject { ["url"] = "https://box" } };
        using var connection = KubeConnection.Open(new Target(path, null, null));
        var stdout = new StringWriter();

        await SandboxCommands.RunAsync(connection, new SandboxVerb(new Target(path, null, null), "url", "box"), stdout, CancellationToken.None);

        Assert.That(File.ReadAllText(path), Does.Contain("exec:").And.Not.Contain(FakeApiServer.Token), "the token comes from the plugin only");
        Assert.That(stdout.ToString(), Is.EqualTo("https://box\n"));
    }

    [Test]
    public void A_wrong_token_is_the_server_s_unauthorized()
    {
        var path = server.WriteKubeconfig(directory.FullName);
        File.WriteAllText(path, File.ReadAllText(path).Replace(FakeApiServer.Token, "wrong", StringComparison.Ordinal));
        using var connection = KubeConnection.Open(new Target(path, null, null));

        Assert.That(async () => await SandboxCommands.GetAsync(connection, "box", CancellationToken.None), Throws.TypeOf<ApiError>().With.Message.EqualTo("Unauthorized"));
    }
}
