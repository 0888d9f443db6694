namespace NorthflankSimulator;

/// <summary>
/// Everything a test or the process can tune. Bound from the "Simulator" configuration section in process mode.
/// Collections default to null (not to a pre-filled list) because the configuration binder appends to existing lists,
/// which would silently keep defaults next to configured values.
/// </summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>The token accepted when <see cref="Tokens"/> is null: a well-known development value, not a secret.</summary>
    public const string DefaultDevelopmentToken = "nf-simulator-token";

    public const string DefaultProjectId = "default-project";

    /// <summary>Accepted bearer tokens; null means one token, <see cref="DefaultDevelopmentToken"/>, allowed everywhere.</summary>
    public List<SimulatorToken>? Tokens { get; set; }

    /// <summary>Projects that exist at start and after a reset; null means one project, <see cref="DefaultProjectId"/>.</summary>
    public List<string>? Projects { get; set; }

    /// <summary>Team name used in service <c>appId</c>s (<c>/team/project/service</c>).</summary>
    public string TeamId { get; set; } = "simulator-team";

    public string Region { get; set; } = "europe-west";

    /// <summary>Page size when a list call gives no <c>per_page</c>.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Seeds the one random source behind DNS ids, port ids and probabilistic faults.</summary>
    public int RandomSeed { get; set; } = 20240601;

    public DeploymentOptions Deployment { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    public FaultOptions Faults { get; set; } = new();

    /// <summary>Made-up container log lines: heartbeat and tail batch intervals.</summary>
    public LogOptions Logs { get; set; } = new();

    /// <summary>Command execution over WebSocket: where commands run.</summary>
    public ExecOptions Exec { get; set; } = new();

    /// <summary>Which reading of what the reference leaves open the simulator follows (a client must be right under each).</summary>
    public ReadingOptions Readings { get; set; } = new();

    /// <summary>Deployment plans offered by GET /v1/plans and accepted by services; null means <see cref="PlanCatalog.Default"/>.</summary>
    public List<PlanOptions>? Plans { get; set; }

    /// <summary>
    /// The team's resource tags (team/tags); a service or volume tag outside this list is a 400. Null means
    /// <see cref="DefaultTeamTags"/>. Whether Northflank refuses unknown tags is left open by the reference; the
    /// simulator does, so nothing can rely on a tag the team never defined.
    /// </summary>
    public List<string>? TeamTags { get; set; }

    /// <summary>
    /// Ids of the registry credentials saved to the team (team/integrations/list-registries.md), which
    /// <c>deployment.external.credentials</c> may name; null means ["simulator-registry"]. Naming another id is
    /// "400 Unable to verify external image" (choice: the reference documents no other answer for it).
    /// </summary>
    public List<string>? RegistryCredentials { get; set; }

    /// <summary>How long after an expired service was paused it is deleted (scheduledDeletion - expiredAt); the reference's example shows 30 days.</summary>
    public TimeSpan ScheduledDeletionDelay { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Clock for deployment states, expiries and rate-limit windows; null means the system clock. Not bindable.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Tags a team has when <see cref="TeamTags"/> is null: sandboxing runtimes and spot scheduling, as team/tags describes.</summary>
    public static IReadOnlyList<string> DefaultTeamTags { get; } = ["gvisor", "kata-clh", "spot-nodes", "sandbox-runtime"];

    internal IReadOnlyList<SimulatorToken> EffectiveTokens =>
        Tokens ?? [new SimulatorToken { Token = DefaultDevelopmentToken }];

    internal IReadOnlyList<string> EffectiveProjects => Projects ?? [DefaultProjectId];

    internal IReadOnlyList<PlanOptions> EffectivePlans => Plans ?? PlanCatalog.Default;

    internal IReadOnlyList<string> EffectiveTeamTags => TeamTags ?? DefaultTeamTags;

    internal IReadOnlyList<string> EffectiveRegistryCredentials => RegistryCredentials ?? ["simulator-registry"];

    /// <summary>The rate-limit key of a known token: its account, or the team's account when it names none.</summary>
    internal string AccountOf(SimulatorToken token) => $"account:{token.Account ?? TeamId}";
}

public sealed class SimulatorToken
{
    public string Token { get; set; } = "";

    /// <summary>Project ids this token may touch; null or empty means every project.</summary>
    public List<string>? AllowedProjects { get; set; }

    /// <summary>
    /// The account whose rate limit this token draws on (use-the-api.md calls the limit the account's): tokens with
    /// the same account share one window. Null means the team's account, so by default all tokens share one.
    /// </summary>
    public string? Account { get; set; }

    public SimulatorToken()
    {
    }

    public SimulatorToken(string token, params string[] allowedProjects)
    {
        Token = token;
        AllowedProjects = allowedProjects.Length == 0 ? null : [.. allowedProjects];
    }

    internal bool Allows(string projectId) =>
        AllowedProjects is null || AllowedProjects.Count == 0 || AllowedProjects.Contains(projectId, StringComparer.Ordinal);
}

public sealed class DeploymentOptions
{
    /// <summary>How long a new deployment stays PENDING.</summary>
    public TimeSpan PendingDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long it then stays IN_PROGRESS before COMPLETED (or FAILED).</summary>
    public TimeSpan InProgressDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Image paths containing any of these end FAILED; null means ["does-not-exist"].</summary>
    public List<string>? UnpullableImageSubstrings { get; set; }

    /// <summary>
    /// Registry prefixes (host and path, e.g. <c>registry.private.example/</c>) whose images Northflank can verify only
    /// with saved credentials; null means ["registry.private.example/"]. Without credentials such an image is
    /// create-deployment-service.md's "400 Unable to verify external image".
    /// </summary>
    public List<string>? PrivateRegistries { get; set; }

    /// <summary>Image paths containing any of these can never be verified (a 400 on create and change); null means ["cannot-verify"].</summary>
    public List<string>? UnverifiableImageSubstrings { get; set; }

    /// <summary>When set, decides pullability instead of <see cref="UnpullableImageSubstrings"/>. Not bindable.</summary>
    public Func<string, bool>? IsImagePullable { get; set; }

    internal bool CanPull(string imagePath)
    {
        if (IsImagePullable is not null)
        {
            return IsImagePullable(imagePath);
        }

        var unpullable = UnpullableImageSubstrings ?? ["does-not-exist"];
        return !unpullable.Any(fragment => imagePath.Contains(fragment, StringComparison.Ordinal));
    }

    /// <summary>Whether Northflank could pull the image to verify it, with the saved credentials named (known ones only).</summary>
    internal bool CanVerify(string imagePath, string? credentials, IReadOnlyList<string> savedCredentials)
    {
        if (credentials is not null && !savedCredentials.Contains(credentials, StringComparer.Ordinal))
        {
            return false;
        }

        var unverifiable = UnverifiableImageSubstrings ?? ["cannot-verify"];
        if (unverifiable.Any(fragment => imagePath.Contains(fragment, StringComparison.Ordinal)))
        {
            return false;
        }

        var path = imagePath.StartsWith("https://", StringComparison.Ordinal) ? imagePath[8..] : imagePath.StartsWith("http://", StringComparison.Ordinal) ? imagePath[7..] : imagePath;
        var privateRegistries = PrivateRegistries ?? ["registry.private.example/"];
        return credentials is not null || !privateRegistries.Any(prefix => path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
    }
}

public sealed class RateLimitOptions
{
    /// <summary>Requests allowed per account per window (Northflank's documented default is 1000 an hour).</summary>
    public int Limit { get; set; } = 1000;

    /// <summary>Window length in simulated time.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Simulated time runs this many times faster than the clock: 60 makes an hour window last one minute.</summary>
    public double TimeScale { get; set; } = 1;

    public bool Enabled { get; set; } = true;

    internal TimeSpan RealWindow => TimeSpan.FromTicks((long)(Window.Ticks / Math.Max(TimeScale, 1e-9)));

    public RateLimitOptions Clone() => (RateLimitOptions)MemberwiseClone();
}

public sealed class PlanOptions
{
    public string Id { get; set; } = "";
    public double CpuResource { get; set; }
    public int RamResource { get; set; }
    public double AmountPerHour { get; set; }
}

public static class PlanCatalog
{
    /// <summary>A subset of Northflank's public compute plans (ids, vCPU, MB); prices are indicative.</summary>
    public static IReadOnlyList<PlanOptions> Default { get; } =
    [
        new() { Id = "nf-compute-10", CpuResource = 0.1, RamResource = 256, AmountPerHour = 0.0038 },
        new() { Id = "nf-compute-20", CpuResource = 0.2, RamResource = 512, AmountPerHour = 0.0075 },
        new() { Id = "nf-compute-50", CpuResource = 0.5, RamResource = 1024, AmountPerHour = 0.0167 },
        new() { Id = "nf-compute-100-1", CpuResource = 1, RamResource = 1024, AmountPerHour = 0.0250 },
        new() { Id = "nf-compute-100-2", CpuResource = 1, RamResource = 2048, AmountPerHour = 0.0333 },
        new() { Id = "nf-compute-100-4", CpuResource = 1, RamResource = 4096, AmountPerHour = 0.0500 },
        new() { Id = "nf-compute-200", CpuResource = 2, RamResource = 4096, AmountPerHour = 0.0667 },
        new() { Id = "nf-compute-200-8", CpuResource = 2, RamResource = 8192, AmountPerHour = 0.1000 },
        new() { Id = "nf-compute-400", CpuResource = 4, RamResource = 8192, AmountPerHour = 0.1333 },
        new() { Id = "nf-compute-400-16", CpuResource = 4, RamResource = 16384, AmountPerHour = 0.2000 },
    ];
}

/// <summary>
/// Where the reference is silent on what a request does, the simulator can follow each plausible reading, so a client
/// can be proven correct under every one. Changeable at runtime (the store reads them on every request).
/// </summary>
public sealed class ReadingOptions
{
    /// <summary>
    /// False (default): a PUT/PATCH <c>deployment.instances</c> on a paused service is kept for resume, the service stays
    /// paused. True: an instance count above 0 resumes it with that count (patch-deployment-service.md does not say which).
    /// </summary>
    public bool InstancesResumePausedService { get; set; }

    /// <summary>What PUT/PATCH do with <c>runtimeEnvironment</c>, which the reference does not say.</summary>
    public PatchReading Patch { get; set; } = PatchReading.Replace;
}

public enum PatchReading
{
    /// <summary>The object given replaces the service's whole runtime environment.</summary>
    Replace,

    /// <summary>
    /// RFC 7386 (JSON Merge Patch), the standard meaning of a merging PATCH: the given variables are set, the others are
    /// kept, and a variable given as null is removed. Arrays (tags, ports) are replaced whole, as RFC 7386 has no array merge.
    /// </summary>
    Merge,
}
