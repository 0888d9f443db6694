using TestInfra;

namespace IntegrationTests.ControlPlane;

/// <summary>kubectl and helm from the tool cache run and reach the control plane through a written kubeconfig.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class CommandLineToolsTests : ControlPlaneTest
{
    [Test]
    public async Task Kubectl_reports_the_server_version()
    {
        var result = await ToolRunner.RunAsync(Tools.Kubectl, ["version", "--output=json"], ControlPlane.AdminKubeconfigPath);

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardOutput, Does.Contain("serverVersion").And.Contain("v1.20"));
    }

    [Test]
    public async Task Kubectl_with_a_service_account_kubeconfig_acts_as_that_service_account()
    {
        var token = await ControlPlane.CreateServiceAccountTokenAsync(Namespace, "cli");
        var kubeconfig = ControlPlane.WriteKubeconfig(token);

        var result = await ToolRunner.RunAsync(Tools.Kubectl, ["auth", "can-i", "list", "configmaps", $"--namespace={Namespace}"], kubeconfig);

        // "no" with exit code 1: the service account has no rights yet, and the server said so (not a connection error).
        Assert.That(result.ExitCode, Is.EqualTo(1), result.Describe());
        Assert.That(result.StandardOutput.Trim(), Is.EqualTo("no"));
    }

    [Test]
    public async Task Helm_runs_and_lists_releases_on_the_control_plane()
    {
        var helmHome = Path.Combine(ControlPlane.RootDirectory, "helm-" + Namespace);
        // Keep helm's cache and config out of the user's home directory.
        var environment = new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(helmHome, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(helmHome, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(helmHome, "data"),
        };

        var version = await ToolRunner.RunAsync(Tools.Helm, ["version"], environment: environment);
        Assert.That(version.Succeeded, Is.True, version.Describe());
        Assert.That(version.StandardOutput, Does.Contain("Version"));

        var list = await ToolRunner.RunAsync(Tools.Helm, ["list", $"--namespace={Namespace}"], ControlPlane.AdminKubeconfigPath, environment);
        Assert.That(list.Succeeded, Is.True, list.Describe());
    }
}
