using System.Globalization;
using System.Text;

namespace Benchmarks;

/// <summary>
/// What the <c>connect</c> scenario measured: the same sessions through Kubernetes (<c>sandboxes/exec</c> via the API
/// server and the operator) and with Northflank's official JavaScript client straight to the simulator, and their ratios.
/// </summary>
internal sealed record ConnectResult
{
    /// <summary>Bytes each stream session writes to stdout.</summary>
    public required long StreamBytes { get; init; }

    /// <summary>One-shot <c>echo ok</c> sessions through Kubernetes, warm-up excluded.</summary>
    public required IReadOnlyList<ExecTiming> KubernetesStarts { get; init; }

    public required IReadOnlyList<ExecTiming> DirectStarts { get; init; }

    public required IReadOnlyList<ExecTiming> KubernetesStreams { get; init; }

    public required IReadOnlyList<ExecTiming> DirectStreams { get; init; }

    public required TimeSpan WallTime { get; init; }

    /// <summary>Sessions that read <see cref="StreamBytes"/> from stdin (and print ok once they have), through Kubernetes.</summary>
    public IReadOnlyList<ExecTiming> KubernetesStdins { get; init; } = [];

    public IReadOnlyList<ExecTiming> DirectStdins { get; init; } = [];

    /// <summary>Median stdin rate in MiB/s, Kubernetes over direct.</summary>
    public Comparison StdinThroughput => Compare(KubernetesStdins, DirectStdins, t => StdinMiBPerSecond(t, StreamBytes), 0.5);

    /// <summary>CPU seconds the operator used while the reported one-shot sessions ran through Kubernetes; null when not read.</summary>
    public double? OperatorCpuSecondsStarts { get; init; }

    /// <summary>The same while the streams ran through Kubernetes.</summary>
    public double? OperatorCpuSecondsStreams { get; init; }

    /// <summary>Seconds of each fresh-connection GET of the connect API's discovery as the user (<c>ConnectPathProbe.DiscoveryAsync</c>).</summary>
    public IReadOnlyList<double> DiscoverySeconds { get; init; } = [];

    /// <summary>Seconds of each run of the operator's API calls before an upgrade (<c>ConnectPathProbe.OperatorCallsAsync</c>).</summary>
    public IReadOnlyList<double> OperatorCallsSeconds { get; init; } = [];

    /// <summary>Operator CPU milliseconds per session; null when not read.</summary>
    public double? OperatorCpuMsPerSession => OperatorCpuSecondsStarts / KubernetesStarts.Count * 1000;

    /// <summary>Operator CPU seconds per GiB of stdout carried; null when not read.</summary>
    public double? OperatorCpuSecondsPerGiB => OperatorCpuSecondsStreams / (KubernetesStreams.Sum(t => t.StdoutBytes) / (1024.0 * 1024.0 * 1024.0));

    /// <summary>Open to the session being open: Kubernetes' WebSocket upgraded (the operator has opened Northflank's exec by then), the JS client's init answered.</summary>
    public Comparison Opened(double p) => Compare(KubernetesStarts, DirectStarts, t => t.OpenedSeconds, p);

    /// <summary>Start latency (to the first stdout byte), p50 and p95, and how many times slower Kubernetes is.</summary>
    public Comparison FirstByte(double p) => Compare(KubernetesStarts, DirectStarts, t => t.FirstByteSeconds, p);

    /// <summary>Open to the command's result (exit status received).</summary>
    public Comparison Completed(double p) => Compare(KubernetesStarts, DirectStarts, t => t.CompletedSeconds, p);

    /// <summary>Median stream rate in MiB/s; the ratio is Kubernetes over direct (below 1: slower).</summary>
    public Comparison Throughput => Compare(KubernetesStreams, DirectStreams, MiBPerSecond, 0.5);

    /// <summary>Stdout bytes over the time from its first byte to its last: the stream's own rate, without the session's start.</summary>
    public static double MiBPerSecond(ExecTiming t) =>
        t.LastByteSeconds > t.FirstByteSeconds ? t.StdoutBytes / (1024.0 * 1024.0) / (t.LastByteSeconds - t.FirstByteSeconds) : double.NaN;

    /// <summary>
    /// <paramref name="bytes"/> of stdin over the time from the session being open to the command's first output, which
    /// it prints once it has read them all.
    /// </summary>
    public static double StdinMiBPerSecond(ExecTiming t, long bytes) =>
        t.FirstByteSeconds > t.OpenedSeconds ? bytes / (1024.0 * 1024.0) / (t.FirstByteSeconds - t.OpenedSeconds) : double.NaN;

    public string Markdown(string commandLine)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("## Connect: sandboxes/exec through Kubernetes vs the official JavaScript client straight to Northflank (real speed)").AppendLine();
        md.AppendLine(inv, $"`{commandLine}`: {KubernetesStarts.Count} + {DirectStarts.Count} one-shot sessions of `echo ok`, {KubernetesStreams.Count} + {DirectStreams.Count} streams of {StreamBytes / (1024.0 * 1024.0):F0} MiB on stdout{(KubernetesStdins.Count > 0 ? string.Create(inv, $" and {KubernetesStdins.Count} + {DirectStdins.Count} on stdin") : "")}, against one simulator and one Running Sandbox; {WallTime.TotalMinutes:F1} min.").AppendLine();
        md.AppendLine("| measure | through Kubernetes | JS client direct | ratio Kubernetes / direct |");
        md.AppendLine("|---|---:|---:|---:|");
        Row(md, "session open (upgraded / init answered) p50 ms", Opened(0.5), 1000, "F1");
        Row(md, "session open (upgraded / init answered) p95 ms", Opened(0.95), 1000, "F1");
        Row(md, "session start to first stdout byte p50 ms", FirstByte(0.5), 1000, "F1");
        Row(md, "session start to first stdout byte p95 ms", FirstByte(0.95), 1000, "F1");
        Row(md, "session start to exit status p50 ms", Completed(0.5), 1000, "F1");
        Row(md, "session start to exit status p95 ms", Completed(0.95), 1000, "F1");
        Row(md, "stdout stream MiB/s (median)", Throughput, 1, "F1");
        if (KubernetesStdins.Count > 0 || DirectStdins.Count > 0)
        {
            Row(md, "stdin stream MiB/s (median)", StdinThroughput, 1, "F1");
        }
        md.AppendLine();
        if (OperatorCpuMsPerSession is { } perSession && OperatorCpuSecondsPerGiB is { } perGiB)
        {
            md.AppendLine(inv, $"The operator's CPU (user + system, its dotnet process) through Kubernetes: {perSession:F1} ms per one-shot session, {perGiB:F1} s per GiB of stdout.").AppendLine();
        }

        if (DiscoverySeconds.Count > 0 && OperatorCallsSeconds.Count > 0)
        {
            md.AppendLine(inv,
                $"Where a start through Kubernetes goes, timed on its own ({DiscoverySeconds.Count} times each, p50 / p95): a GET of the connect API's discovery as the user on a new connection (TLS to kube-apiserver, its authentication and authorization, the aggregator's proxy, the operator's check of the proxy) {Ms(DiscoverySeconds, 0.5)} / {Ms(DiscoverySeconds, 0.95)} ms; " +
                $"the four API calls the operator makes one after the other before it upgrades (SubjectAccessReview, GET Sandbox, GET Secret, POST Event) {Ms(OperatorCallsSeconds, 0.5)} / {Ms(OperatorCallsSeconds, 0.95)} ms.").AppendLine();
        }

        md.AppendLine("Through Kubernetes: a new WebSocket per session (TLS to kube-apiserver, bearer token of a user with only `sandboxes/exec`, `v5.channel.k8s.io`), through the aggregation layer to the operator's connect API, which reviews the user's access, resolves the Sandbox and opens Northflank's exec on the simulator. Direct: `execServiceCommand` (one-shot) and `execServiceSession` with base64 (streams) of `@northflank/js-client` in Node, to the same simulator and service. The first byte is timed where each client decodes the first stdout frame; the stream rate is its bytes over first to last byte. On stdin, the same bytes go in 32 KiB writes, then its end, to `sh -c 'test \"$(wc -c)\" -eq N && echo ok'`: the rate is the bytes over the time from the session being open to that ok. The ratio of a rate below 1 means Kubernetes is slower.");
        return md.ToString();
    }

    private static string Ms(IReadOnlyList<double> seconds, double p) => (NearestRank.Percentile(seconds, p) * 1000).ToString("F1", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder md, string label, Comparison c, double scale, string format) =>
        md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {(c.Kubernetes * scale).ToString(format, CultureInfo.InvariantCulture)} | {(c.Direct * scale).ToString(format, CultureInfo.InvariantCulture)} | {c.Ratio.ToString("F2", CultureInfo.InvariantCulture)} |");

    private static Comparison Compare(IReadOnlyList<ExecTiming> kubernetes, IReadOnlyList<ExecTiming> direct, Func<ExecTiming, double> measure, double p) =>
        new(NearestRank.Percentile([.. kubernetes.Select(measure)], p), NearestRank.Percentile([.. direct.Select(measure)], p));
}

/// <summary>One measure on both paths; <see cref="Ratio"/> is Kubernetes over direct (NaN when either is missing or direct is 0).</summary>
internal readonly record struct Comparison(double Kubernetes, double Direct)
{
    public double Ratio => Direct is 0 or double.NaN || double.IsNaN(Kubernetes) ? double.NaN : Kubernetes / Direct;
}
