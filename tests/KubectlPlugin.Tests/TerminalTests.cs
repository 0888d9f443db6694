using System.Diagnostics;
using System.Text;

namespace KubectlPlugin.Tests;

/// <summary>
/// <c>exec -it</c> on a real pseudo-terminal (util-linux <c>script</c>), running the built plugin executable: the
/// terminal is raw while the session runs, its size reaches the Sandbox, and it is exactly as before once the session ends.
/// </summary>
public class TerminalTests
{
    [Test]
    public async Task With_a_tty_keys_reach_the_sandbox_raw_and_the_terminal_is_restored_afterwards()
    {
        if (!File.Exists("/usr/bin/script"))
        {
            Assert.Ignore("needs script(1) (util-linux) for a pseudo-terminal");
        }

        await using var server = await FakeApiServer.StartAsync();
        var directory = Directory.CreateTempSubdirectory("plugin-tty-");
        try
        {
            var kubeconfig = server.WriteKubeconfig(directory.FullName);
            var plugin = Path.Combine(AppContext.BaseDirectory, "kubectl-sandbox");
            var (before, after) = (Path.Combine(directory.FullName, "before"), Path.Combine(directory.FullName, "after"));
            var shell = $"stty cols 100 rows 30; stty -g > {before}; {plugin} --kubeconfig {kubeconfig} exec -it box -- echo 5; code=$?; stty -g > {after}; exit $code";
            var (exit, output) = await InTerminalAsync(shell, keys: "hello\u0004", server);

            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.EqualTo(5), output);
                // A cooked terminal would echo the keys itself and hold them for a line: in raw mode only the Sandbox's echo shows them.
                Assert.That(output.Split("hello").Length - 1, Is.EqualTo(1), output);
                Assert.That(File.ReadAllText(after), Is.EqualTo(File.ReadAllText(before)), "the terminal's settings are back");
                Assert.That(File.ReadAllText(before), Is.Not.Empty);
                Assert.That(server.Resizes, Is.EqualTo(new[] { "{\"Width\":100,\"Height\":30}" }), "the window's size is sent first");
            });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Runs <paramref name="shell"/> on a new pseudo-terminal; types <paramref name="keys"/> once the prompt shows.</summary>
    private static async Task<(int Exit, string Output)> InTerminalAsync(string shell, string keys, FakeApiServer server)
    {
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-q", "-e", "-c", shell, "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        using var script = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var output = new StringBuilder();
        var buffer = new char[1024];
        while (!output.ToString().Contains("$ ", StringComparison.Ordinal))
        {
            var read = await script.StandardOutput.ReadAsync(buffer, timeout.Token);
            Assert.That(read, Is.Positive, $"the prompt never came: {output}");
            output.Append(buffer, 0, read);
        }

        await script.StandardInput.WriteAsync(keys);
        await script.StandardInput.FlushAsync();
        try
        {
            output.Append(await script.StandardOutput.ReadToEndAsync(timeout.Token));
            await script.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            script.Kill(entireProcessTree: true);
            Assert.Fail($"the session did not end; the terminal showed: {output} requests {string.Join(" ", server.Requests)}");
        }
        return (script.ExitCode, output.ToString());
    }
}
