using System.Net.WebSockets;
using KubectlSandbox;
using KubectlSandbox.Cli;
using KubectlSandbox.Copy;
using KubectlSandbox.Kube;

// kubectl runs `kubectl sandbox ARGS` as `kubectl-sandbox ARGS`. Errors print as kubectl's do: "error: <message>", exit 1.
try
{
    return await Plugin.RunAsync(args, CancellationToken.None);
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}\nSee 'kubectl sandbox --help' for usage.");
    return 1;
}
catch (Exception e) when (e is ApiError or UnsafeArchiveException or HttpRequestException or WebSocketException or IOException)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 1;
}
finally
{
    TerminalKeypad.Restore();
}
