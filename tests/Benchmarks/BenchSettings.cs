using System.Globalization;

namespace Benchmarks;

/// <summary>How the operator looks at Northflank: the flag value of <c>--observation</c>.</summary>
internal enum ObservationMode
{
    /// <summary>One paged service list per project for settled sandboxes; GETs only after writes and on drift checks.</summary>
    Batched,

    /// <summary>One GET per sandbox on every look, settled sandboxes every 30 s: the usual controller, for comparison.</summary>
    Naive,
}

/// <summary>What a run measures; both by default.</summary>
internal enum BenchScenario
{
    /// <summary>Northflank calls per Sandbox for each N and observation mode (<see cref="Scenario"/>).</summary>
    Calls,

    /// <summary>The operator's memory with and without many unrelated Secrets (<see cref="SecretsMemoryScenario"/>).</summary>
    Secrets,

    /// <summary>Warm (Running and Paused pools) and cold claims: latency and calls (<see cref="ClaimsScenario"/>).</summary>
    Claims,

    /// <summary>A namespace's single Sandbox while another's warm pool fills on a shared token, at real speed (<see cref="FairnessScenario"/>).</summary>
    Fairness,

    /// <summary>sandboxes/exec through Kubernetes against the official JS client straight to Northflank, at real speed (<see cref="ConnectScenario"/>).</summary>
    Connect,
}

/// <summary>
/// What one `make bench` run measures. Time is compressed by <see cref="TimeScale"/>: the simulator's rate-limit
/// window and the operator's slow intervals run that many times faster, so a simulated hour of steady state takes
/// 3600 / TimeScale real seconds while every ratio (budget per hour, polls per hour) stays what it is at real speed.
/// </summary>
internal sealed record BenchSettings
{
    /// <summary>Northflank's default limit per token and hour.</summary>
    public const int DefaultRequestsPerHour = 1000;

    public IReadOnlyList<BenchScenario> Scenarios { get; init; } = [BenchScenario.Calls, BenchScenario.Secrets, BenchScenario.Claims];

    public IReadOnlyList<int> Sizes { get; init; } = [10, 100, 1000];

    /// <summary>Claims per launch type for <see cref="BenchScenario.Claims"/> (each pool holds as many).</summary>
    public int Claims { get; init; } = 100;

    /// <summary>Replicas of namespace A's warm pool in <see cref="BenchScenario.Fairness"/>.</summary>
    public int FairnessPool { get; init; } = 150;

    /// <summary>Single Sandboxes namespace B creates, one after the other, in <see cref="BenchScenario.Fairness"/>.</summary>
    public int FairnessTries { get; init; } = 10;

    /// <summary>One-shot sessions of <see cref="BenchScenario.Connect"/> on each path.</summary>
    public int ConnectSessions { get; init; } = 50;

    /// <summary>Stdout streams of <see cref="BenchScenario.Connect"/> on each path.</summary>
    public int ConnectStreams { get; init; } = 3;

    /// <summary>MiB each of those streams writes.</summary>
    public int ConnectStreamMiB { get; init; } = 64;

    /// <summary>Unrelated Secrets created for <see cref="BenchScenario.Secrets"/>.</summary>
    public int UnrelatedSecrets { get; init; } = 10_000;

    /// <summary>
    /// Size of each: 32 KiB, a mid-sized Helm release Secret (they hold the gzipped release, 10-100 KB). 10 000 of them
    /// are 320 MiB, 2.5 times the whole operator and well inside etcd's 2 GB quota (on /dev/shm here).
    /// </summary>
    public int SecretSizeKiB { get; init; } = 32;

    /// <summary>Another build's northflank-sandbox-operator.dll, measured the same way for comparison (optional).</summary>
    public string? BaselineOperator { get; init; }

    public IReadOnlyList<ObservationMode> Modes { get; init; } = [ObservationMode.Batched, ObservationMode.Naive];

    public int TimeScale { get; init; } = 60;

    /// <summary>Simulated hours the steady state is held.</summary>
    public double SteadyHours { get; init; } = 2;

    /// <summary>The operator's defaults at real speed, divided by <see cref="TimeScale"/> when passed to it.</summary>
    public TimeSpan SettledPollInterval { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan DriftCheckInterval { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How often naive mode looks at a settled Sandbox: fixed in the operator (not a flag), so it cannot be compressed.
    /// Naive steady calls are therefore counted per real sandbox-hour (see <see cref="ScenarioResult.SteadySandboxHours"/>).
    /// </summary>
    public static readonly TimeSpan NaiveLookInterval = TimeSpan.FromSeconds(30);

    /// <summary>Not compressed: deployments take real seconds in the simulator too.</summary>
    public TimeSpan ProgressPollInterval { get; init; } = SandboxOperator.Controllers.Sandboxes.ReconcilerOptions.DefaultProgressPollInterval;

    public TimeSpan PendingDuration { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan InProgressDuration { get; init; } = TimeSpan.FromSeconds(5);

    public string OutputDirectory { get; init; } = "";

    /// <summary>The calls scenario's limit per (simulated) hour whatever N (e.g. Northflank's default 1000 at N = 300); null: <see cref="RequestsPerHourFor"/>.</summary>
    public int? RequestsPerHour { get; init; }

    /// <summary>Extra operator flags for experiments (e.g. <c>--workers 16</c>); later flags win over the benchmark's.</summary>
    public IReadOnlyList<string> ExtraOperatorArguments { get; init; } = [];

    public TimeSpan SteadyHold => TimeSpan.FromHours(SteadyHours) / TimeScale;

    /// <summary>
    /// The token's limit per (simulated) hour for N sandboxes: Northflank's default 1000 up to 100 sandboxes; above,
    /// 10 per sandbox, as a team running a thousand would ask Northflank to raise it (creating them needs ~4000 calls).
    /// </summary>
    public static int RequestsPerHourFor(int sandboxes) => Math.Max(DefaultRequestsPerHour, 10 * sandboxes);

    public static BenchSettings Parse(string[] args)
    {
        var settings = new BenchSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            settings = args[i] switch
            {
                "--scenarios" => settings with { Scenarios = [.. Value().Split(',').Select(s => Enum.Parse<BenchScenario>(s, ignoreCase: true))] },
                "--claims" => settings with { Claims = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--fairness-pool" => settings with { FairnessPool = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--fairness-tries" => settings with { FairnessTries = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--connect-sessions" => settings with { ConnectSessions = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--connect-streams" => settings with { ConnectStreams = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--connect-stream-mib" => settings with { ConnectStreamMiB = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--unrelated-secrets" => settings with { UnrelatedSecrets = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--secret-size-kb" => settings with { SecretSizeKiB = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--baseline-operator" => settings with { BaselineOperator = Path.GetFullPath(Value()) },
                "--sizes" => settings with { Sizes = [.. Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                "--modes" => settings with { Modes = [.. Value().Split(',').Select(s => Enum.Parse<ObservationMode>(s, ignoreCase: true))] },
                "--time-scale" => settings with { TimeScale = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--steady-hours" => settings with { SteadyHours = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--output" => settings with { OutputDirectory = Value() },
                "--requests-per-hour" => settings with { RequestsPerHour = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--operator-args" => settings with { ExtraOperatorArguments = Value().Split(' ', StringSplitOptions.RemoveEmptyEntries) },
                _ => throw new ArgumentException($"unknown argument {args[i]}; see tests/Benchmarks/README.md"),
            };
        }

        if (settings.Sizes.Count == 0 || settings.Sizes.Any(n => n <= 0) || settings.TimeScale <= 0 || settings.SteadyHours <= 0)
        {
            throw new ArgumentException("sizes, --time-scale and --steady-hours must be positive");
        }

        if (settings.Scenarios.Count == 0 || settings.Claims <= 0 || settings.UnrelatedSecrets < 0 || settings.SecretSizeKiB <= 0
            || settings.FairnessPool <= 0 || settings.FairnessTries <= 0 || settings.ConnectSessions <= 0 || settings.ConnectStreams <= 0 || settings.ConnectStreamMiB <= 0)
        {
            throw new ArgumentException("--scenarios needs one at least; --unrelated-secrets must not be negative; --secret-size-kb, --fairness-pool, --fairness-tries and the --connect- counts must be positive");
        }

        return settings;
    }

    public static string Format(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
}
