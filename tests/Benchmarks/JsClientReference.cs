using System.Globalization;
using System.Text.Json;
using TestInfra;

namespace Benchmarks;

/// <summary>
/// The reference of the <c>connect</c> scenario: Northflank's official JavaScript client (the version tests/contract
/// pins) running the same commands straight on the simulator, by tests/contract/exec-bench.mjs in a Node process of its
/// own. The script times each session itself, so Node's start is not counted.
/// </summary>
internal static class JsClientReference
{
    private static string Directory => Path.Combine(RepositoryRoot.Path, "tests", "contract");

    /// <summary>What one run of the script measured.</summary>
    public sealed record Measured(IReadOnlyList<ExecTiming> Starts, IReadOnlyList<ExecTiming> Streams, IReadOnlyList<ExecTiming> Stdins);

    /// <summary><c>npm ci</c> in tests/contract unless the client is installed there already (as the contract test does).</summary>
    public static async Task EnsureInstalledAsync(CancellationToken ct)
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@northflank", "js-client")))
        {
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], [], ct);
        }
    }

    /// <summary>
    /// Runs <paramref name="sessions"/> one-shot <c>echo ok</c> (after <paramref name="warmup"/> unreported ones), then
    /// <paramref name="streams"/> streams of <paramref name="streamBytes"/> on stdout, then <paramref name="stdins"/> of as
    /// many on stdin.
    /// </summary>
    public static async Task<Measured> RunAsync(
        Uri simulator, string token, string project, string service, int warmup, int sessions, long streamBytes, int streams, CancellationToken ct, int stdins = 0)
    {
        var inv = CultureInfo.InvariantCulture;
        var output = await RunAsync("node", ["exec-bench.mjs"], new Dictionary<string, string>
        {
            ["SIM_URL"] = simulator.ToString(),
            ["SIM_TOKEN"] = token,
            ["PROJECT"] = project,
            ["SERVICE"] = service,
            ["WARMUP"] = warmup.ToString(inv),
            ["SESSIONS"] = sessions.ToString(inv),
            ["STREAM_BYTES"] = streamBytes.ToString(inv),
            ["STREAMS"] = streams.ToString(inv),
            ["STDINS"] = stdins.ToString(inv),
        }, ct);
        return Parse(output);
    }

    /// <summary>The script's JSON line.</summary>
    internal static Measured Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        static ExecTiming Timing(JsonElement e) => new(
            e.GetProperty("openedSeconds").GetDouble(),
            e.GetProperty("firstByteSeconds").GetDouble(),
            e.TryGetProperty("lastByteSeconds", out var last) ? last.GetDouble() : e.GetProperty("firstByteSeconds").GetDouble(),
            e.GetProperty("completedSeconds").GetDouble(),
            e.GetProperty("bytes").GetInt64());
        var root = document.RootElement;
        return new Measured(
            [.. root.GetProperty("starts").EnumerateArray().Select(Timing)],
            [.. root.GetProperty("streams").EnumerateArray().Select(Timing)],
            [.. root.GetProperty("stdins").EnumerateArray().Select(Timing)]);
    }

    private static async Task<string> RunAsync(string fileName, string[] arguments, Dictionary<string, string> environment, CancellationToken ct)
    {
        var result = await ToolRunner.RunAsync(fileName, arguments, environment: environment, ct: ct, workingDirectory: Directory);
        return result.Succeeded
            ? result.StandardOutput.Trim()
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {result.ExitCode}:\n{result.StandardError}\n{result.StandardOutput}");
    }
}
