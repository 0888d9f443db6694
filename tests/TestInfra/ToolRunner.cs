using System.Diagnostics;

namespace TestInfra;

/// <summary>Output of a finished command-line tool.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>For assertion messages: exit code plus both streams.</summary>
    public string Describe() => $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>Runs short-lived command-line tools such as kubectl and helm and captures their output.</summary>
public static class ToolRunner
{
    /// <summary>
    /// Runs <paramref name="executable"/> with <paramref name="arguments"/>, optionally with
    /// <c>KUBECONFIG=<paramref name="kubeconfigPath"/></c>; the process is killed if <paramref name="ct"/> fires.
    /// </summary>
    public static async Task<ToolResult> RunAsync(
        string executable,
        IEnumerable<string> arguments,
        string? kubeconfigPath = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken ct = default,
        string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (kubeconfigPath is not null)
        {
            startInfo.Environment["KUBECONFIG"] = kubeconfigPath;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"could not start {executable}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
