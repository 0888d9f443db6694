using System.Diagnostics;
using k8s;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// sandboxes/exec and sandboxes/log end to end, as users reach them: the <c>kubectl sandbox</c> plugin with a user's
/// own kubeconfig, through kube-apiserver's aggregation layer (RBAC first, then the front proxy), to the operator
/// binary's connect API (request-header authentication, a SubjectAccessReview), to the simulator's Northflank exec
/// and log protocols, where the command really runs. The operator listens on a <see cref="PrivateLink"/> address,
/// because Endpoints refuse loopback.
/// </summary>
public sealed partial class ConnectTests : OperatorTest
{
    private const string Group = "connect.sandbox.northflank.com";
    private const string ServiceName = "connect";
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(45);

    protected override bool StartOperatorInSetUp => false;

    [Test]
    public async Task A_user_with_rights_execs_and_reads_logs_with_the_plugin_and_one_without_is_refused()
    {
        await using var site = await ConnectSite.OpenAsync(this);
        var port = StartConnectOperator(site);
        await CreateAsync(NewSandbox("agent"));
        await WaitForConditionAsync("agent", "Ready", "True");

        // Cluster-scoped: the APIService goes when this ends, or discovery would fail for every other test.
        await using var api = await RegisterConnectApiAsync(site, port);
        var alice = ControlPlane.TakeSpareUser();
        var bob = ControlPlane.TakeSpareUser();
        var carol = ControlPlane.TakeSpareUser();
        await GrantAsync(alice.UserName, "user", ["sandboxes/exec"], ["create", "get"], ["sandboxes/log"]);
        await GrantAsync(bob.UserName, "reader", [], [], []);
        // get but not create: kube-apiserver lets the upgrade through, the operator's own review must refuse it.
        await GrantAsync(carol.UserName, "half", ["sandboxes/exec"], ["get"], []);
        var aliceConfig = ControlPlane.WriteKubeconfig(alice.Token, Path.Combine(LogDirectory, "alice.kubeconfig"));
        var bobConfig = ControlPlane.WriteKubeconfig(bob.Token, Path.Combine(LogDirectory, "bob.kubeconfig"));

        // One-shot with stdout, stderr and the remote exit code as the plugin's own (RBAC and routes catch up first).
        var oneShot = await EventuallyAsync(aliceConfig, r => r.Output.Contains("out", StringComparison.Ordinal), null, "exec", "agent", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.That(oneShot.ExitCode, Is.EqualTo(3), oneShot.Describe());
        Assert.That(oneShot.Output, Does.Contain("out"), oneShot.Describe());
        Assert.That(oneShot.Error, Does.Contain("err"), oneShot.Describe());

        var piped = await PluginAsync(aliceConfig, "hello through stdin\n", "exec", "-i", "agent", "--", "cat");
        Assert.That(piped.ExitCode, Is.Zero, piped.Describe());
        Assert.That(piped.Output, Does.Contain("hello through stdin"), piped.Describe());

        var (copyIn, copyOut) = await CopyRoundTripAsync(aliceConfig);

        var logs = await PluginAsync(aliceConfig, null, "logs", "agent", "--tail", "5");
        Assert.That(logs.ExitCode, Is.Zero, logs.Describe());
        Assert.That(logs.Output.Trim(), Is.Not.Empty, logs.Describe());

        var refused = await PluginAsync(bobConfig, null, "exec", "agent", "--", "true");
        Assert.That(refused.ExitCode, Is.Not.Zero, refused.Describe());
        Assert.That(refused.Error, Does.Contain("forbidden").IgnoreCase, refused.Describe());
        var bobLogs = await PluginAsync(bobConfig, null, "logs", "agent");
        Assert.That(bobLogs.ExitCode, Is.Not.Zero, bobLogs.Describe());
        var carolConfig = ControlPlane.WriteKubeconfig(carol.Token, Path.Combine(LogDirectory, "carol.kubeconfig"));
        var half = await EventuallyAsync(carolConfig, r => !r.Error.Contains("cannot get resource", StringComparison.Ordinal), null, "exec", "agent", "--", "touch", "carol-was-here");
        Assert.That(half.ExitCode, Is.Not.Zero, half.Describe());
        Assert.That(half.Error, Does.Contain("cannot create resource \"sandboxes/exec\""), half.Describe());

        foreach (var result in (PluginResult[])[oneShot, piped, copyIn, copyOut, logs, refused, bobLogs, half])
        {
            TestContext.Out.WriteLine(result.Describe());
        }

        await AssertAuditedWithoutTokenAsync(alice.UserName, [oneShot, piped, logs, refused]);
    }

    /// <summary>
    /// A directory (a text file, 256 KiB of random bytes, a subdirectory) copied into the Sandbox and back out again
    /// comes back byte for byte. The remote path is relative: the simulator runs commands in the service's own directory.
    /// </summary>
    private async Task<(PluginResult In, PluginResult Out)> CopyRoundTripAsync(string kubeconfig)
    {
        var local = Path.Combine(LogDirectory, "cp-source", "project");
        Directory.CreateDirectory(Path.Combine(local, "nested"));
        await File.WriteAllTextAsync(Path.Combine(local, "notes.txt"), "copied in and out\n");
        var random = new byte[256 * 1024];
        Random.Shared.NextBytes(random);
        await File.WriteAllBytesAsync(Path.Combine(local, "nested", "blob.bin"), random);
        var back = Path.Combine(LogDirectory, "cp-back");

        var copyIn = await PluginAsync(kubeconfig, null, "cp", local, "agent:project");
        Assert.That(copyIn.ExitCode, Is.Zero, copyIn.Describe());
        var copyOut = await PluginAsync(kubeconfig, null, "cp", "agent:project", back);
        Assert.That(copyOut.ExitCode, Is.Zero, copyOut.Describe());

        Assert.Multiple(async () =>
        {
            Assert.That(await File.ReadAllTextAsync(Path.Combine(back, "notes.txt")), Is.EqualTo("copied in and out\n"));
            Assert.That(await File.ReadAllBytesAsync(Path.Combine(back, "nested", "blob.bin")), Is.EqualTo(random), "binary, byte for byte");
        });
        return (copyIn, copyOut);
    }

    private async Task AssertAuditedWithoutTokenAsync(string user, IEnumerable<PluginResult> results)
    {
        var events = await EventsForAsync("agent");
        Assert.That(events.Where(e => e.Reason == "ExecStarted").Select(e => e.Message), Has.Some.Contain(user), "an exec names its user");
        Assert.That(events.Select(e => e.Message), Has.None.Contain("echo out"), "never the command");
        var token = SimulatorOptions.DefaultDevelopmentToken;
        var seen = string.Join("\n", results.Select(r => r.Output + r.Error)) + Operator.ReadLog()
            + string.Join("\n", events.Select(e => e.Message)) + Describe(await GetAsync("agent"));
        Assert.That(seen.Contains(token, StringComparison.Ordinal), Is.False, "the Northflank token left the operator");
        Assert.That(Operator.ReadLog(), Does.Not.Contain("carol-was-here").And.Not.Contain("echo out"), "an exec's arguments are never logged");
    }

    /// <summary>The connect APIService routed to the operator at <paramref name="port"/>, once kube-apiserver finds it Available.</summary>
    private async Task<AggregatedApi> RegisterConnectApiAsync(ConnectSite site, int port)
    {
        var api = await AggregatedApi.RegisterAsync(Admin, Group, "v1alpha1", Namespace, ServiceName, site.Address.ToString(), port, site.CaPem);
        try
        {
            await api.WaitUntilAvailableAsync(TimeSpan.FromSeconds(60));
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>A Role as the chart's tenant roles grant it (the API server authorizes the WebSocket upgrade as get,
    /// the operator's own review asks for create), and reading Sandboxes, which the plugin does too.</summary>
    private async Task GrantAsync(string user, string name, string[] connectResources, string[] connectVerbs, string[] logResources)
    {
        var rules = new List<V1PolicyRule> { new() { ApiGroups = [Sandbox.Group], Resources = ["sandboxes"], Verbs = ["get", "list", "watch"] } };
        if (connectResources.Length > 0)
        {
            rules.Add(new V1PolicyRule { ApiGroups = [Group], Resources = connectResources, Verbs = connectVerbs });
        }

        if (logResources.Length > 0)
        {
            rules.Add(new V1PolicyRule { ApiGroups = [Group], Resources = logResources, Verbs = ["get"] });
        }

        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role { Metadata = new V1ObjectMeta { Name = name }, Rules = rules }, Namespace);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = name },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
                Subjects = [new Rbacv1Subject { Kind = "User", Name = user, ApiGroup = "rbac.authorization.k8s.io" }],
            },
            Namespace);
    }

    private async Task<PluginResult> EventuallyAsync(string kubeconfig, Func<PluginResult, bool> done, string? stdin, params string[] arguments)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var result = await PluginAsync(kubeconfig, stdin, arguments);
            if (done(result) || stopwatch.Elapsed > CatchUp)
            {
                return result;
            }

            await Task.Delay(500);
        }
    }

    private async Task<PluginResult> PluginAsync(string kubeconfig, string? stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo(Tools.KubectlSandbox)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--kubeconfig", kubeconfig, "-n", Namespace, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin ?? "");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new PluginResult(string.Join(' ', arguments), process.ExitCode, await output, await error);
    }

    private sealed record PluginResult(string Command, int ExitCode, string Output, string Error)
    {
        public string Describe() => $"kubectl sandbox {Command} → exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }
}
