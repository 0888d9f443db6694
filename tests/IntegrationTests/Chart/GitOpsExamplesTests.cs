using System.Text.RegularExpressions;
using TestInfra;
using YamlDotNet.RepresentationModel;

namespace IntegrationTests.Chart;

/// <summary>The GitOps examples: the Argo CD health check, run for real with Lua, and the manifests it ships.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class GitOpsExamplesTests : ControlPlaneTest
{
    internal static readonly string GitOps = Path.Combine(RepositoryRoot.Path, "examples", "gitops");
    private static readonly string ArgoCd = Path.Combine(GitOps, "argocd");
    private const string HealthKeyPrefix = "resource.customizations.health.sandbox.northflank.com_";

    /// <summary>Every Argo CD health script, by file name: <c>&lt;kind in kebab case&gt;-health.lua</c>.</summary>
    public static IEnumerable<string> HealthScripts() => Directory.GetFiles(ArgoCd, "*.lua").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(HealthScripts))]
    public async Task Argo_health_check_gives_the_expected_status_for_every_sample(string script)
    {
        var result = await RunHarnessAsync(Path.Combine(ArgoCd, script));

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardOutput, Does.Match($@"(?m)^{KindOf(script)}: [1-9]\d* passed, 0 failed$"));
    }

    [TestCaseSource(nameof(HealthScripts))]
    public async Task Argo_health_check_harness_fails_on_a_wrong_script(string script)
    {
        // The harness must be able to fail: a script for the same kind that calls everything Healthy does not pass.
        var header = File.ReadLines(Path.Combine(ArgoCd, script)).First();
        var result = await RunHarnessOnAsync($"{header}\nreturn {{ status = \"Healthy\", message = \"\" }}\n");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Describe());
        Assert.That(result.StandardOutput, Does.Contain("FAIL"));
    }

    [Test]
    public async Task Argo_health_check_harness_fails_on_a_script_that_names_no_kind()
    {
        var result = await RunHarnessOnAsync("return { status = \"Healthy\", message = \"\" }\n");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Describe());
        Assert.That(result.StandardOutput, Does.Contain("FAIL"));
    }

    [TestCaseSource(nameof(HealthScripts))]
    public void Argo_config_map_embeds_the_health_script_verbatim(string script)
    {
        var text = File.ReadAllText(Path.Combine(ArgoCd, script));
        var kind = KindOf(script);
        Assert.That(text, Does.StartWith($"-- Argo CD health check for sandbox.northflank.com/{kind}."), "the first line names the kind (the harness reads it)");

        Assert.That(ConfigMapData().Scalar(HealthKeyPrefix + kind), Is.EqualTo(text), $"argocd-cm.yaml is stale: paste {script} into it again");
    }

    [Test]
    public void Argo_config_map_has_health_checks_only_for_kinds_with_a_script()
    {
        var embedded = ConfigMapData().Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(k => k.StartsWith(HealthKeyPrefix, StringComparison.Ordinal))
            .Select(k => k[HealthKeyPrefix.Length..]);
        var scripted = HealthScripts().Select(KindOf).ToList();

        Assert.That(scripted, Is.SupersetOf(new[] { "Sandbox", "SandboxWarmPool", "SandboxClaim" }));
        Assert.That(embedded, Is.EquivalentTo(scripted));
    }

    [Test]
    public void Flux_and_argo_fail_a_claim_for_the_same_reasons()
    {
        var lua = File.ReadAllText(Path.Combine(ArgoCd, "sandbox-claim-health.lua"));
        var luaFailed = Regex.Matches(Regex.Match(lua, @"local failed = \{(.*?)\n\}", RegexOptions.Singleline).Groups[1].Value, @"(\w+) = true").Select(m => m.Groups[1].Value);
        var flux = File.ReadAllText(Path.Combine(GitOps, "flux", "sandboxes-kustomization.yaml"));
        var celFailed = Regex.Matches(Regex.Match(flux, @"kind: SandboxClaim\n.*?failed: .*?c\.reason in \[(.*?)\]", RegexOptions.Singleline).Groups[1].Value, @"'(\w+)'").Select(m => m.Groups[1].Value);

        Assert.That(luaFailed, Is.Not.Empty);
        Assert.That(celFailed, Is.EquivalentTo(luaFailed), "the claim's failed reasons differ between the Flux healthCheckExprs and the Argo CD script");
    }

    [Test]
    public void Every_example_manifest_is_well_formed_yaml_with_a_kind()
    {
        var files = Directory.GetFiles(GitOps, "*.yaml", SearchOption.AllDirectories);

        Assert.That(files, Is.Not.Empty);
        foreach (var file in files)
        {
            var documents = ChartHelm.Documents(File.ReadAllText(file));
            Assert.That(documents, Is.Not.Empty, file);
            Assert.That(documents.Select(d => d.Kind()), Has.All.Not.Empty, file);
        }
    }

    [Test]
    public async Task Git_ops_sandboxes_are_valid_for_the_crd()
    {
        await SandboxFleet.InstallCrdAsync(ControlPlane.AdminKubeconfigPath);

        var result = await ToolRunner.RunAsync(
            Tools.Kubectl,
            ["apply", "--dry-run=server", "--namespace", Namespace, "-k", Path.Combine(GitOps, "sandboxes")],
            ControlPlane.AdminKubeconfigPath);

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardOutput, Does.Contain("sandbox.sandbox.northflank.com/agent"));
    }

    [Test]
    public async Task Tenancy_example_is_valid_for_the_crds()
    {
        await SandboxFleet.InstallCrdAsync(ControlPlane.AdminKubeconfigPath);
        foreach (var ns in new[] { "team-a", "team-b", "team-c", "northflank-system" })
        {
            await ToolRunner.RunAsync(Tools.Kubectl, ["create", "namespace", ns], ControlPlane.AdminKubeconfigPath);
        }

        var result = await ToolRunner.RunAsync(
            Tools.Kubectl,
            ["apply", "--dry-run=server", "-f", Path.Combine(RepositoryRoot.Path, "examples", "tenancy", "configs.yaml")],
            ControlPlane.AdminKubeconfigPath);

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardOutput, Does.Contain("clusternorthflankconfig.sandbox.northflank.com/shared").And.Contain("northflankconfig.sandbox.northflank.com/own-account"));
    }

    /// <summary>SandboxWarmPool for sandbox-warm-pool-health.lua.</summary>
    private static string KindOf(string script) =>
        string.Concat(script[..^"-health.lua".Length].Split('-').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));

    private static YamlMappingNode ConfigMapData()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(ArgoCd, "argocd-cm.yaml"))));
        return stream.Documents[0].RootNode.Map("data");
    }

    private static Task<ToolResult> RunHarnessAsync(string script) =>
        ToolRunner.RunAsync(Lua(), [Path.Combine(GitOps, "test", "health_test.lua"), script]);

    private static async Task<ToolResult> RunHarnessOnAsync(string source)
    {
        var script = Path.Combine(Path.GetTempPath(), $"wrong-health-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, source);
        try
        {
            return await RunHarnessAsync(script);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>lua5.4 from Debian (installed by make tools).</summary>
    internal static string Lua()
    {
        foreach (var candidate in new[] { "/usr/bin/lua5.4", "/usr/local/bin/lua5.4", "/usr/bin/lua" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("lua5.4 is not installed; run `make tools` (it apt-installs lua5.4)");
    }
}
