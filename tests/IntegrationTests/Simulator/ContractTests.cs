using System.Diagnostics;
using System.Text;
using NorthflankSimulator;

namespace IntegrationTests.Simulator;

/// <summary>
/// Proves the simulator speaks Northflank's API as Northflank's own JavaScript client understands it, and enforces
/// every rule of its README's rules table, by running tests/contract/contract.mjs against an in-process simulator.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ContractTests
{
    private const string FullToken = "contract-full-token";
    private const string RestrictedToken = "contract-restricted-token";

    [Test]
    [CancelAfter(300_000)]
    public async Task Official_js_client_agrees_with_the_simulator(CancellationToken cancellationToken)
    {
        var contractDirectory = Path.Combine(TestInfra.RepositoryRoot.Path, "tests", "contract");
        if (!Directory.Exists(Path.Combine(contractDirectory, "node_modules", "@northflank", "js-client")))
        {
            var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], contractDirectory, [], cancellationToken);
            Assert.That(install.ExitCode, Is.Zero, $"npm ci failed:\n{install.Output}");
        }

        // Default team tags and one account for both tokens: the script's rule cases and its 429 check rely on both.
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Tokens = [new SimulatorToken(FullToken), new SimulatorToken(RestrictedToken, SimulatorOptions.DefaultProjectId)],
            Deployment = new DeploymentOptions
            {
                PendingDuration = TimeSpan.FromMilliseconds(50),
                InProgressDuration = TimeSpan.FromMilliseconds(100),
            },

            // checks-streams.mjs waits for a tail to see a new heartbeat line: keep that short.
            Logs = new LogOptions
            {
                HeartbeatInterval = TimeSpan.FromMilliseconds(200),
                TailBatchInterval = TimeSpan.FromMilliseconds(100),
            },
        }, cancellationToken);

        var run = await RunAsync("node", ["contract.mjs"], contractDirectory, new Dictionary<string, string>
        {
            ["SIM_URL"] = simulator.BaseUrl.ToString(),
            ["SIM_TOKEN"] = FullToken,
            ["SIM_RESTRICTED_TOKEN"] = RestrictedToken,
        }, cancellationToken);

        TestContext.Out.WriteLine(run.Output);
        Assert.That(run.ExitCode, Is.Zero, $"The contract test failed:\n{run.Output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, string[] arguments, string workingDirectory, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
