using Benchmarks;

namespace UnitTests.Bench;

/// <summary>The connect scenario's arithmetic and report: percentiles, ratios, stream rates, the table it writes.</summary>
public sealed class ConnectResultTests
{
    private const long MiB = 1024 * 1024;

    [Test]
    public void Nearest_rank_percentiles_are_measured_values_and_nothing_measured_is_nan()
    {
        double[] values = [5, 1, 3, 2, 4];

        Assert.Multiple(() =>
        {
            Assert.That(NearestRank.Percentile(values, 0.5), Is.EqualTo(3));
            Assert.That(NearestRank.Percentile(values, 0.95), Is.EqualTo(5));
            Assert.That(NearestRank.Percentile(values, 0.2), Is.EqualTo(1));
            Assert.That(NearestRank.Percentile([], 0.5), Is.NaN);
        });
    }

    [Test]
    public void A_ratio_is_kubernetes_over_direct_and_nan_without_a_direct_value()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new Comparison(0.030, 0.010).Ratio, Is.EqualTo(3).Within(1e-9));
            Assert.That(new Comparison(20, 80).Ratio, Is.EqualTo(0.25).Within(1e-9));
            Assert.That(new Comparison(1, 0).Ratio, Is.NaN);
            Assert.That(new Comparison(1, double.NaN).Ratio, Is.NaN);
            Assert.That(new Comparison(double.NaN, 1).Ratio, Is.NaN);
        });
    }

    [Test]
    public void A_stream_rate_counts_from_its_first_byte_to_its_last()
    {
        var stream = new ExecTiming(OpenedSeconds: 0.5, FirstByteSeconds: 1, LastByteSeconds: 3, CompletedSeconds: 10, StdoutBytes: 64 * MiB);

        Assert.Multiple(() =>
        {
            Assert.That(ConnectResult.MiBPerSecond(stream), Is.EqualTo(32).Within(1e-9), "64 MiB in the 2 s between first and last byte");
            Assert.That(ConnectResult.MiBPerSecond(stream with { LastByteSeconds = 1 }), Is.NaN, "one read: no rate");
        });
    }

    [Test]
    public void A_stdin_rate_counts_from_the_session_open_to_the_output_that_says_all_arrived()
    {
        var stdin = new ExecTiming(OpenedSeconds: 0.5, FirstByteSeconds: 4.5, LastByteSeconds: 4.5, CompletedSeconds: 5, StdoutBytes: 3);

        Assert.Multiple(() =>
        {
            Assert.That(ConnectResult.StdinMiBPerSecond(stdin, 64 * MiB), Is.EqualTo(16).Within(1e-9), "64 MiB in the 4 s from open to ok");
            Assert.That(ConnectResult.StdinMiBPerSecond(stdin with { FirstByteSeconds = 0.5 }, 64 * MiB), Is.NaN);
        });
    }

    [Test]
    public void The_report_shows_both_paths_their_ratios_and_the_operators_cpu()
    {
        var result = Result();

        var markdown = result.Markdown("make bench ARGS='--scenarios connect'");

        Assert.Multiple(() =>
        {
            Assert.That(result.FirstByte(0.5), Is.EqualTo(new Comparison(0.030, 0.010)));
            Assert.That(result.FirstByte(0.95), Is.EqualTo(new Comparison(0.090, 0.015)));
            Assert.That(markdown, Does.Contain("| session open (upgraded / init answered) p50 ms | 20.0 | 5.0 | 4.00 |"));
            Assert.That(markdown, Does.Contain("| session start to first stdout byte p50 ms | 30.0 | 10.0 | 3.00 |"));
            Assert.That(markdown, Does.Contain("| session start to first stdout byte p95 ms | 90.0 | 15.0 | 6.00 |"));
            Assert.That(markdown, Does.Contain("| session start to exit status p50 ms | 40.0 | 20.0 | 2.00 |"));
            Assert.That(markdown, Does.Contain("| stdout stream MiB/s (median) | 16.0 | 64.0 | 0.25 |"));
            Assert.That(markdown, Does.Contain("3 + 3 one-shot sessions of `echo ok`, 1 + 1 streams of 64 MiB on stdout and 1 + 1 on stdin"));
            Assert.That(markdown, Does.Contain("| stdin stream MiB/s (median) | 8.0 | 32.0 | 0.25 |"));
            Assert.That(markdown, Does.Contain("15.0 ms per one-shot session, 32.0 s per GiB of stdout"));
            Assert.That(markdown, Does.Contain("`make bench ARGS='--scenarios connect'`"));
            Assert.That(markdown, Does.Contain("(3 times each, p50 / p95)"));
            Assert.That(markdown, Does.Contain("the operator's check of the proxy) 12.0 / 30.0 ms"));
            Assert.That(markdown, Does.Contain("(SubjectAccessReview, GET Sandbox, GET Secret, POST Event) 9.0 / 11.0 ms"));
        });
    }

    [Test]
    public void Without_the_operators_cpu_and_the_parts_the_report_leaves_those_lines_out()
    {
        var markdown = (Result() with { OperatorCpuSecondsStarts = null, DiscoverySeconds = [], KubernetesStdins = [], DirectStdins = [] }).Markdown("make bench");

        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Not.Contain("The operator's CPU"));
            Assert.That(markdown, Does.Not.Contain("Where a start through Kubernetes goes"));
            Assert.That(markdown, Does.Not.Contain("stdin stream"));
            Assert.That(markdown, Does.Contain("| stdout stream MiB/s (median) |"), "the table stays");
        });
    }

    private static ConnectResult Result() => new()
    {
        StreamBytes = 64 * MiB,
        KubernetesStarts = [Start(0.020, 0.030, 0.040), Start(0.020, 0.030, 0.040), Start(0.080, 0.090, 0.100)],
        DirectStarts = [Start(0.005, 0.010, 0.020), Start(0.004, 0.008, 0.010), Start(0.010, 0.015, 0.030)],
        // 64 MiB in 4 s through Kubernetes, in 1 s direct.
        KubernetesStreams = [new ExecTiming(0.02, 0.05, 4.05, 4.1, 64 * MiB)],
        DirectStreams = [new ExecTiming(0.01, 0.02, 1.02, 1.1, 64 * MiB)],
        WallTime = TimeSpan.FromMinutes(2),
        OperatorCpuSecondsStarts = 0.045,
        OperatorCpuSecondsStreams = 2,
        // 64 MiB on stdin in 8 s (open to ok) through Kubernetes, in 2 s direct.
        KubernetesStdins = [new ExecTiming(0.02, 8.02, 8.02, 8.05, 3)],
        DirectStdins = [new ExecTiming(0.01, 2.01, 2.01, 2.02, 3)],
        DiscoverySeconds = [0.030, 0.010, 0.012],
        OperatorCallsSeconds = [0.009, 0.011, 0.008],
    };

    private static ExecTiming Start(double opened, double firstByte, double completed) => new(opened, firstByte, firstByte, completed, 3);
}
