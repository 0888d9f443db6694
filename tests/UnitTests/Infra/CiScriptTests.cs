using System.Diagnostics;
using TestInfra;

namespace UnitTests.Infra;

/// <summary>
/// The scripts <c>.ci/run</c> ends with: the summary line CI reads, and the failed tests named above it (all that a
/// log's tail keeps). Run on TRX files written here, one with a failure whose message needs unescaping.
/// </summary>
public class CiScriptTests
{
    private string results = "";

    [SetUp]
    public void WriteResults()
    {
        results = Directory.CreateTempSubdirectory("trx-").FullName;
        File.WriteAllText(Path.Combine(results, "a.trx"), Trx(
            passed: 3,
            failed: 1,
            """
            <UnitTestResult testName="Three_sandboxes(&quot;batched&quot;)" outcome="Failed"><Output><ErrorInfo>
            <Message>  no Sandbox may report that it was throttled&#xD;&#xA;  Expected: &lt;empty&gt;&#xD;&#xA;  But was: &lt; "sbx-7 Ready" &gt;</Message>
            </ErrorInfo></Output></UnitTestResult>
            <UnitTestResult testName="Passes" outcome="Passed"></UnitTestResult>
            """));
        File.WriteAllText(Path.Combine(results, "b.trx"), Trx(passed: 5, failed: 0, ""));
    }

    [TearDown]
    public void RemoveResults() => Directory.Delete(results, recursive: true);

    [Test]
    public void The_summary_adds_up_every_results_file()
    {
        Assert.That(Run("trx-summary.sh").Output.Trim(), Is.EqualTo("8 passed, 1 failed"));
    }

    [Test]
    public void Failed_tests_are_named_with_their_message_unescaped()
    {
        var lines = Run("trx-failures.sh").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines, Is.EqualTo(new[]
        {
            "FAILED Three_sandboxes(\"batched\")",
            "      no Sandbox may report that it was throttled",
            "      Expected: <empty>",
            "      But was: < \"sbx-7 Ready\" >",
        }));
    }

    [Test]
    public void No_failures_print_nothing_and_no_results_fail_the_summary()
    {
        File.Delete(Path.Combine(results, "a.trx"));
        Assert.That(Run("trx-failures.sh").Output, Is.Empty);

        File.Delete(Path.Combine(results, "b.trx"));
        var summary = Run("trx-summary.sh");
        Assert.That((summary.ExitCode, summary.Output.Trim()), Is.EqualTo((1, "0 passed, 0 failed")));
    }

    private static string Trx(int passed, int failed, string results) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
        <Results>
        {results}
        </Results>
        <ResultSummary outcome="Completed"><Counters total="{passed + failed}" executed="{passed + failed}" passed="{passed}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" notExecuted="0" /></ResultSummary>
        </TestRun>
        """;

    private (int ExitCode, string Output) Run(string script)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot.Path, "tests", "infra", script), results])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
