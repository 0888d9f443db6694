using System.Globalization;
using System.Text;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Controllers.Templates;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;
using UnitTests.Controllers.Configs;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// The whole Sandbox reconciler, wired as the host wires it, over the simulator's in-process store, a fake clock and an
/// in-memory cluster: what a reconcile sends to Northflank, the status it writes and the events it records, without
/// HTTP or a control plane. Deployments progress only when the test moves the clock.
/// </summary>
public sealed class ReconcileRig
{
    public const string Project = SimulatorOptions.DefaultProjectId;

    /// <param name="externals">The external clients the connector binds; by default the real ones over <paramref name="northflank"/>.</param>
    public ReconcileRig(string clusterId = "prod", InProcessNorthflank? northflank = null, FakeTimeProvider? time = null, ISandboxExternalFactory? externals = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero));
        Northflank = northflank ?? new InProcessNorthflank(new SimulatorOptions(), Time);
        Options = new ReconcilerOptions { ClusterId = clusterId };
        var access = new AccessResolver(Configs, Access);
        var admission = new SandboxAdmission(access, Configs);
        var inputs = new InputResolver(Cluster, access, admission, Cluster);
        var lists = new ServiceListCache(Time);
        Lanes = new TokenLanes(slots: 4, Time, _ => { });
        var tokens = new OneToken(Northflank, Lanes);
        var memory = Memory = new SandboxMemory(tokens);
        var orphans = new OrphanCollector(lists, Configs, new NoOrphanReports(), Options, Time);
        var connector = new SandboxConnector(inputs, access, tokens, orphans, externals ?? new NorthflankSandboxExternals(lists, Options, Time), Options, Time);
        Progress = new ProgressWatch(memory, lists, Options, Time);
        Reconciler = new SandboxReconciler(
            connector, new SandboxExecutor(Cluster, Time), memory, admission, Progress, Cluster, Options, Time, NullLogger<SandboxReconciler>.Instance);
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The worker slots of the one token (4 workers: 3 for a token alone).</summary>
    public TokenLanes Lanes { get; }

    /// <summary>The implicit config (no NorthflankConfig): the operator's flags.</summary>
    public AccessOptions Access { get; } = new() { DefaultProjectId = Project, DefaultCredentialsNamespace = "ops" };

    public InProcessNorthflank Northflank { get; }

    public ReconcilerOptions Options { get; }

    public InMemoryConfigs Configs { get; } = new();

    public InMemoryCluster Cluster { get; } = new();

    public ProgressWatch Progress { get; }

    /// <summary>What the operator remembers of each Sandbox between reconciles (and reports in its gauges).</summary>
    public SandboxMemory Memory { get; }

    public SandboxReconciler Reconciler { get; }

    /// <summary>Reconciles the Sandbox as the informer would hand it over: with the status and version last written.</summary>
    public Task<SandboxResult> ReconcileAsync(Sandbox sandbox) => Reconciler.ReconcileAsync(Cluster.Current(sandbox), CancellationToken.None);

    /// <summary>Reconciles until the Sandbox is Ready (deployments take a few simulated seconds), then forgets the calls made.</summary>
    public async Task<Sandbox> ReadyAsync(Sandbox sandbox)
    {
        for (var i = 0; i < 10 && !IsReady(sandbox); i++)
        {
            await ReconcileAsync(sandbox);
            Time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.That(IsReady(sandbox), Is.True, "the Sandbox never became Ready");
        Northflank.ClearCalls();
        Cluster.Events.Clear();
        return sandbox;
    }

    /// <summary>The Northflank calls made, with the Sandbox's service and volume names shown as <c>{svc}</c> and <c>{vol}</c>.</summary>
    public IReadOnlyList<string> Calls(Sandbox sandbox) =>
        [.. Northflank.Calls.Select(c => c.Replace(SandboxNaming.VolumeName(sandbox), "{vol}", StringComparison.Ordinal)
            .Replace(SandboxNaming.ServiceName(sandbox), "{svc}", StringComparison.Ordinal))];

    private bool IsReady(Sandbox sandbox) => Conditions.Find(Cluster.Current(sandbox).Status?.Conditions, ConditionTypes.Ready)?.Status == "True";

    /// <summary>Every token is the one token of the simulator's team, with worker slots to spare.</summary>
    private sealed class OneToken(InProcessNorthflank api, TokenLanes lanes) : INorthflankApiFactory
    {
        public INorthflankApi ForToken(NorthflankToken token) => api;

        public TokenUse Use(string holder, NorthflankToken token) => new(api, circuit: null, lanes, token.Fingerprint);

        public void Release(string holder)
        {
        }
    }

    private sealed class NoOrphanReports : IOrphanReporter
    {
        public void Found(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner)
        {
        }

        public void Deleted(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner)
        {
        }

        public void Unjudged(string projectId, string serviceId, OwnershipMarker.Owner owner)
        {
        }
    }
}

/// <summary>
/// What the reconciler reads from and writes to the cluster: the credentials Secret, each Sandbox's status (conditional
/// on its resourceVersion, as the API server does), events, and Sandboxes deleted at expiry.
/// </summary>
public sealed class InMemoryCluster : ISandboxWriter, IReferenceReader, ISandboxTemplates
{
    /// <summary>SandboxTemplates by namespace/name.</summary>
    public Dictionary<string, SandboxTemplate> Templates { get; } = [];

    public Task<SandboxTemplate?> GetAsync(string namespaceName, string name, CancellationToken ct) =>
        Task.FromResult(Templates.GetValueOrDefault($"{namespaceName}/{name}"));

    private readonly Dictionary<string, (SandboxStatus Status, string Version)> written = [];

    public List<SandboxEvent> Events { get; } = [];

    public List<string> DeletedSandboxes { get; } = [];

    public int StatusWrites { get; private set; }

    /// <summary>When set, status writes fail with what it returns (the API server unreachable, a conflict, a cancel).</summary>
    public Func<Exception>? WriteFailure { get; set; }

    /// <summary>The Sandbox with its last written status and resourceVersion.</summary>
    public Sandbox Current(Sandbox sandbox)
    {
        if (written.TryGetValue(sandbox.Metadata.Uid, out var last))
        {
            sandbox.Status = last.Status;
            sandbox.Metadata.ResourceVersion = last.Version;
        }

        return sandbox;
    }

    public Task<string?> WriteStatusAsync(Sandbox sandbox, SandboxStatus status, CancellationToken ct)
    {
        if (WriteFailure is { } failure)
        {
            throw failure();
        }

        var version = (long.Parse(sandbox.Metadata.ResourceVersion, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
        written[sandbox.Metadata.Uid] = (status, version);
        StatusWrites++;
        return Task.FromResult<string?>(version);
    }

    public Task DeleteSandboxAsync(Sandbox sandbox, CancellationToken ct)
    {
        DeletedSandboxes.Add(sandbox.Metadata.Name);
        return Task.CompletedTask;
    }

    public void Record(Sandbox entity, bool warning, string reason, string message) => Events.Add(new SandboxEvent(warning, reason, message));

    /// <summary>The value of the credentials Secret ops/northflank-credentials, key token.</summary>
    public string Token { get; set; } = SimulatorOptions.DefaultDevelopmentToken;

    public Task<V1Secret?> GetSecretAsync(string namespaceName, string name, CancellationToken ct) =>
        Task.FromResult(namespaceName == "ops" && name == "northflank-credentials"
            ? new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = namespaceName, ResourceVersion = "7" }, Data = new Dictionary<string, byte[]> { ["token"] = Encoding.UTF8.GetBytes(Token) } }
            : null);

    public Task<V1ConfigMap?> GetConfigMapAsync(string namespaceName, string name, CancellationToken ct) => Task.FromResult<V1ConfigMap?>(null);
}
