using TestInfra;

namespace Demo;

/// <summary>
/// The real kubectl from `make tools`, pointed at the local control plane: the demo uses the same commands a user
/// would type, so what it prints is what they will see on their own cluster.
/// </summary>
internal sealed class Kubectl(string kubeconfigPath)
{
    /// <summary>Runs kubectl and returns its stdout; a non-zero exit fails the demo with kubectl's own message.</summary>
    public async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        var argumentList = arguments.ToList();
        var result = await ToolRunner.RunAsync(Tools.Kubectl, argumentList, kubeconfigPath, ct: ct);
        return result.Succeeded
            ? result.StandardOutput
            : throw new DemoFailedException($"kubectl {string.Join(' ', argumentList)} failed:\n{result.Describe()}");
    }
}

/// <summary>A failure with a message meant for the person running the demo.</summary>
internal sealed class DemoFailedException(string message) : Exception(message);
