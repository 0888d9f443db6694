using System.Diagnostics;

namespace KubectlPlugin.Tests;

/// <summary>The built <c>kubectl-sandbox</c> executable as kubectl runs it: stdin from a pipe, its exit code, its errors.</summary>
public class ExecutableTests
{
    private FakeApiServer server = null!;
    private DirectoryInfo directory = null!;
    private string kubeconfig = null!;

    [SetUp]
    public async Task StartServer()
    {
        server = await FakeApiServer.StartAsync();
        directory = Directory.CreateTempSubdirectory("plugin-exe-");
        kubeconfig = server.WriteKubeconfig(directory.FullName);
    }

    [TearDown]
    public async Task StopServer()
    {
        await server.DisposeAsync();
        directory.Delete(recursive: true);
    }

    [Test]
    public async Task Piped_stdin_reaches_the_sandbox_and_the_remote_exit_code_is_the_plugin_s()
    {
        var (exit, stdout, stderr) = await RunAsync("piped line one\npiped line two\n", "exec", "-i", "box", "--", "echo", "4");

        Assert.That((exit, stdout, stderr), Is.EqualTo((4, "piped line one\npiped line two\n", "")));
    }

    [Test]
    public async Task A_refusal_prints_error_and_the_server_s_message_with_exit_code_one()
    {
        var (exit, stdout, stderr) = await RunAsync("", "exec", "throttled", "--", "echo", "0");

        Assert.That((exit, stdout, stderr), Is.EqualTo((1, "", "error: the Sandbox's Northflank token is throttled (retry after 30s)\n")));
    }

    [Test]
    public async Task A_usage_error_points_at_the_help()
    {
        var (exit, _, stderr) = await RunAsync("", "exec", "box");

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr, Does.StartWith("error: exec needs a command after --").And.Contain("kubectl sandbox --help"));
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "kubectl-sandbox"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--kubeconfig", kubeconfig }.Concat(args))
        {
            start.ArgumentList.Add(argument);
        }

        using var plugin = Process.Start(start)!;
        await plugin.StandardInput.WriteAsync(stdin);
        plugin.StandardInput.Close();
        var (stdout, stderr) = (plugin.StandardOutput.ReadToEndAsync(), plugin.StandardError.ReadToEndAsync());
        await plugin.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (plugin.ExitCode, await stdout, await stderr);
    }
}
