using System.Diagnostics;
using System.Globalization;
using Benchmarks;
using TestInfra;

// `make bench`: how many Northflank calls the operator makes, against a local control plane and the simulator. See README.md
// next to this file; the results are in docs/rate-limits-and-benchmarks.md.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // run the teardown below; everything started is tethered to this process anyway
    cancellation.Cancel();
};

if (args is ["--replot", var replot])
{
    // The report and chart of an earlier run, made again from its results.json.
    var saved = await BenchRecord.LoadAsync(replot);
    Console.WriteLine(await saved.WriteAsync(replot));
    return 0;
}

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var output = settings.OutputDirectory.Length > 0 ? settings.OutputDirectory : Path.Combine(RepositoryRoot.Path, "artifacts", "bench", stamp);
Directory.CreateDirectory(output);
settings = settings with { OutputDirectory = output };
var commandLine = "make bench" + (args.Length > 0 ? $" ARGS='{string.Join(' ', args)}'" : "");
var calls = settings.Scenarios.Contains(BenchScenario.Calls);
var secrets = settings.Scenarios.Contains(BenchScenario.Secrets);
var claims = settings.Scenarios.Contains(BenchScenario.Claims);
var fairness = settings.Scenarios.Contains(BenchScenario.Fairness);
var connect = settings.Scenarios.Contains(BenchScenario.Connect);
Console.WriteLine(
    (calls ? $"Sizes {string.Join(", ", settings.Sizes)}; modes {string.Join(", ", settings.Modes)}; time ×{settings.TimeScale}: " +
        $"1 simulated hour = {3600.0 / settings.TimeScale:F0} s; steady hold {settings.SteadyHours} simulated h. " : "") +
    (secrets ? $"Memory with {settings.UnrelatedSecrets} unrelated Secrets of {settings.SecretSizeKiB} KiB. " : "") + $"Output: {output}");

var results = new List<ScenarioResult>();
SecretsMemoryResult? secretsMemory = null;
ClaimsResult? claimsResult = null;
FairnessResult? fairnessResult = null;
ConnectResult? connectResult = null;
var total = Stopwatch.StartNew();
try
{
    await using var controlPlane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions(), cancellation.Token);
    Console.WriteLine($"Control plane ready in {controlPlane.StartupTime.TotalSeconds:F1} s");
    await SandboxFleet.InstallCrdAsync(controlPlane.AdminKubeconfigPath, cancellation.Token);
    foreach (var size in calls ? settings.Sizes : [])
    {
        var sizeClock = Stopwatch.StartNew();
        foreach (var mode in settings.Modes)
        {
            var result = await new Scenario(controlPlane, settings, size, mode).RunAsync(cancellation.Token);
            results.Add(result);
            Console.WriteLine(
                $"  N={size} {mode}: {result.CallsPerSandbox:F2} calls/sandbox, steady {result.SteadyCallsPerSandboxHour:F3}/sandbox-h, " +
                $"simulator saw {result.CreateCalls + result.SteadyCalls + result.DeleteCalls}, operator counted {result.OperatorCountedCalls:F0}, " +
                $"{result.Throttled} × 429, {result.WallTime.TotalSeconds:F0} s");
        }

        Console.WriteLine($"N={size} took {sizeClock.Elapsed.TotalSeconds:F0} s for {settings.Modes.Count} mode(s)");
    }

    if (claims)
    {
        claimsResult = await new ClaimsScenario(controlPlane, settings).RunAsync(cancellation.Token);
        Console.WriteLine($"  claims: {claimsResult.HoldCallsPerPooledSandboxHour:F3} calls/pooled sandbox-h, {claimsResult.WallTime.TotalSeconds:F0} s");
    }

    if (fairness)
    {
        fairnessResult = await new FairnessScenario(controlPlane, settings).RunAsync(cancellation.Token);
        Console.WriteLine($"  fairness: {string.Join("; ", fairnessResult.Runs.Select(r => $"{r.Label} {r.WallTime.TotalSeconds:F0} s"))}");
    }

    if (connect)
    {
        connectResult = await new ConnectScenario(controlPlane, settings).RunAsync(cancellation.Token);
        Console.WriteLine(
            $"  connect: first byte p50 {connectResult.FirstByte(0.5).Ratio:F2}× direct, p95 {connectResult.FirstByte(0.95).Ratio:F2}×; " +
            $"stream {connectResult.Throughput.Ratio:F2}× direct's MiB/s; {connectResult.WallTime.TotalSeconds:F0} s");
    }

    if (secrets)
    {
        // Last: its many Secrets stay in the API server (and its memory) until the control plane stops.
        secretsMemory = await new SecretsMemoryScenario(controlPlane, settings).RunAsync(cancellation.Token);
        Console.WriteLine(
            $"  {settings.UnrelatedSecrets} Secrets of {settings.SecretSizeKiB} KiB: resident {secretsMemory.Without.ResidentMiB:F0} → {secretsMemory.WithAtStart.ResidentMiB:F0} MiB " +
            $"(by watch {secretsMemory.WithByWatch.ResidentMiB:F0}), {secretsMemory.WallTime.TotalSeconds:F0} s");
    }
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted; reporting what was measured");
}
catch (Exception e) when (e is TimeoutException or LocalControlPlaneException or InvalidOperationException or HttpRequestException or System.Net.WebSockets.WebSocketException)
{
    Console.Error.WriteLine($"Benchmark failed: {e.Message}");
}

if (results.Count == 0 && secretsMemory is null && claimsResult is null && fairnessResult is null && connectResult is null)
{
    return 1;
}

var markdown = await new BenchRecord(settings, results, commandLine, total.Elapsed.TotalMinutes, secretsMemory, claimsResult, fairnessResult, connectResult).WriteAsync(output);
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine($"Written: {Path.Combine(output, "results.md")}" + (results.Count > 0 ? $", {Path.Combine(output, "calls.png")}" : ""));
var complete = (!calls || results.Count == settings.Sizes.Count * settings.Modes.Count) && (!secrets || secretsMemory is not null) && (!claims || claimsResult is not null)
    && (!fairness || fairnessResult is not null) && (!connect || connectResult is not null);
return complete ? 0 : 1;
