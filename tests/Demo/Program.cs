using Demo;
using TestInfra;

// `make demo`: the operator end to end on this machine, with no Northflank account. See README.md next to this file.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Keep the process alive long enough to run the teardown below. (The control plane's own handler has already
    // killed its servers, and the operator is tethered to this process, so nothing can be left behind either way.)
    e.Cancel = true;
    cancellation.Cancel();
};

Say.Line("Northflank Sandbox Operator demo: a real Kubernetes API, the real operator, a simulated Northflank");
var exitCode = 0;
var run = new DemoRun();
try
{
    await run.RunAsync(cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.WriteLine();
    Say.Line("Interrupted (Ctrl+C): cleaning up");
    exitCode = 130;
}
catch (Exception e) when (e is DemoFailedException or LocalControlPlaneException or FileNotFoundException or TimeoutException)
{
    // Failures the demo explains itself: a stack trace would only bury the message.
    Say.Error(e.Message);
    exitCode = 1;
}
catch (Exception e)
{
    Say.Error(e.ToString());
    exitCode = 1;
}
finally
{
    await run.DisposeAsync();
}

Console.WriteLine();
Say.Line(exitCode switch
{
    0 => $"Demo succeeded in {Say.Elapsed.TotalSeconds:F1} s",
    130 => $"Demo interrupted after {Say.Elapsed.TotalSeconds:F1} s",
    _ => $"Demo failed after {Say.Elapsed.TotalSeconds:F1} s (exit code {exitCode})",
});
return exitCode;
