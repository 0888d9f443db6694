using System.Globalization;
using System.Text.RegularExpressions;
using IntegrationTests.Operator;
using k8s;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Scale;

/// <summary>
/// Two tenants, two tokens on two Northflank accounts, one operator with its default 4 workers. Tenant B's account has
/// spent its whole hour (time compressed ×60: the simulator's window lasts a minute, the operator is told 1000 × 60 an
/// hour): its Sandboxes must say Ready=False Throttled with when they will be served, hold no worker meanwhile, and be
/// served once the window resets, while tenant A's Sandboxes become Ready as fast as they do with nobody throttled.
/// </summary>
[Category("Scale")]
[NonParallelizable] // measures Ready times: alone on the machine
public sealed partial class ThrottledTokenTests : OperatorTest
{
    private const string TokenB = "tenant-b-token";
    private const int Limit = 1000;
    private const int TimeScale = 60;
    private const int PerRound = 6;
    private const int OnThrottledToken = 8;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1) / TimeScale;

    protected override bool StartOperatorInSetUp => false;

    protected override void ConfigureSimulator(SimulatorOptions options)
    {
        options.Tokens = [new SimulatorToken(SimulatorOptions.DefaultDevelopmentToken) { Account = "tenant-a" }, new SimulatorToken(TokenB) { Account = "tenant-b" }];
        options.RateLimit.Limit = Limit;
        options.RateLimit.TimeScale = TimeScale;
    }

    [Test]
    public async Task A_token_throttled_for_an_hour_holds_no_worker_and_another_tokens_Sandboxes_are_Ready_as_usual()
    {
        var tenantB = await ControlPlane.CreateNamespaceAsync("tenant-b");
        StartOperator(extraArguments:
        [
            "--namespaces", $"{Namespace},{tenantB}",
            "--requests-per-hour", (Limit * TimeScale).ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:SandboxOperator", "Information",
        ]);
        await using var watchA = SandboxWatcher.Start(Admin, Namespace);
        await using var watchB = SandboxWatcher.Start(Admin, tenantB);
        await CreateAsync(NewSandbox("warm-up"));
        await WaitForConditionAsync("warm-up", ConditionTypes.Ready, "True");
        var usual = await CreateAndTimeAsync(watchA, "usual");

        var windowEnd = await SpendTheWindowOfBAsync();
        await CreateConfigAsync(tenantB);
        var namesB = SandboxFleet.Names("b", OnThrottledToken);
        await SandboxFleet.CreateAsync(Admin, tenantB, namesB.Select(n => Sandbox(n, s => s.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "tenant-b" })));
        var during = await CreateAndTimeAsync(watchA, "during");
        var servedAt = await ThrottledUntilAsync(tenantB, namesB);
        var requestsOfB = RequestsOf(TokenB);

        await Poll.UntilAsync(_ => Task.FromResult(watchB.ReadyAt.Count == OnThrottledToken), windowEnd - DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1), "tenant B's Sandboxes Ready after the reset");
        TestContext.Out.WriteLine($"tenant A, nobody throttled: Ready after {Describe(usual)}");
        TestContext.Out.WriteLine($"tenant A, tenant B throttled: Ready after {Describe(during)}");
        TestContext.Out.WriteLine(
            $"tenant B: window ends {windowEnd:HH:mm:ss.f}; told served at {string.Join(", ", servedAt.Values.Order().Select(t => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture)))}; " +
            $"Ready at {string.Join(", ", watchB.ReadyAt.Values.Order().Select(t => t.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture)))}; " +
            $"{requestsOfB.Count} requests with its token during the throttle ({requestsOfB.Count(r => r.Status == 429)} answered 429)");

        Assert.Multiple(() =>
        {
            Assert.That(during.Max(), Is.LessThanOrEqualTo(usual.Max() * 2 + TimeSpan.FromSeconds(5)), "tenant A's Sandboxes Ready as usual while tenant B is throttled");
            Assert.That(servedAt.Values, Has.All.InRange(windowEnd - TimeSpan.FromSeconds(2), windowEnd + TimeSpan.FromSeconds(10)), "each says it is served when B's window resets");
            Assert.That(requestsOfB.Count, Is.LessThanOrEqualTo(10), "a throttled token is not asked again and again (no retries in place, no reconcile sleeping on it)");
            Assert.That(watchB.ReadyAt.Values, Has.All.GreaterThanOrEqualTo(windowEnd - TimeSpan.FromSeconds(1)), "served after the reset, not before");
        });
    }

    /// <summary>Creates a round of tenant A's Sandboxes and returns how long each took from create to Ready.</summary>
    private async Task<List<TimeSpan>> CreateAndTimeAsync(SandboxWatcher watcher, string prefix)
    {
        var names = SandboxFleet.Names(prefix, PerRound);
        var created = DateTimeOffset.UtcNow;
        await SandboxFleet.CreateAsync(Admin, Namespace, names.Select(n => Sandbox(n)));
        await Poll.UntilAsync(_ => Task.FromResult(names.All(watcher.ReadyAt.ContainsKey)), TimeSpan.FromMinutes(2), $"tenant A's {prefix} Sandboxes Ready");
        return [.. names.Select(n => watcher.ReadyAt[n] - created)];
    }

    /// <summary>Tenant B's CI spends its account's window until Northflank answers 429; returns when the window ends.</summary>
    private async Task<DateTimeOffset> SpendTheWindowOfBAsync()
    {
        using var http = new HttpClient { BaseAddress = Simulator.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TokenB);
        for (var i = 0; i <= Limit; i++)
        {
            using var response = await http.GetAsync("v1/projects");
            if ((int)response.StatusCode == 429)
            {
                var windowEnd = RequestsOf(TokenB)[0].Time + Window;
                Assume.That(windowEnd - DateTimeOffset.UtcNow, Is.GreaterThan(TimeSpan.FromSeconds(40)), "the throttle must outlast tenant A's round for this test to say anything");
                Simulator.ClearRequests();
                return windowEnd;
            }
        }

        throw new InvalidOperationException("tenant B's window never ran out");
    }

    /// <summary>Waits until each of tenant B's Sandboxes says Ready=False Throttled, and reads when it says it is served.</summary>
    private async Task<Dictionary<string, DateTimeOffset>> ThrottledUntilAsync(string ns, IReadOnlyList<string> names)
    {
        var servedAt = new Dictionary<string, DateTimeOffset>();
        using var client = SandboxFleet.Client(Admin);
        await Poll.UntilAsync(
            async c =>
            {
                foreach (var name in names.Where(n => !servedAt.ContainsKey(n)))
                {
                    var ready = (await client.ReadNamespacedAsync<Sandbox>(ns, name, c)).Status?.Conditions?.FirstOrDefault(x => x.Type == ConditionTypes.Ready);
                    if (ready is { Status: "False", Reason: ReadyReasons.Throttled } && ServedAt().Match(ready.Message) is { Success: true } match)
                    {
                        servedAt[name] = DateTimeOffset.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                    }
                }

                return servedAt.Count == names.Count;
            },
            TimeSpan.FromSeconds(30),
            "each of tenant B's Sandboxes to say Throttled and when it is served");
        return servedAt;
    }

    private List<NorthflankSimulator.Inspection.RequestRecord> RequestsOf(string token)
    {
        var fingerprint = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..12];
        return [.. Simulator.GetRequests().Where(r => r.TokenFingerprint == fingerprint)];
    }

    private static async Task CreateConfigAsync(string ns)
    {
        await Admin.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "nf-token" }, StringData = new Dictionary<string, string> { ["token"] = TokenB } }, ns);
        using var configs = new GenericClient(Admin, SandboxOperator.Api.V1Alpha1.Sandbox.Group, SandboxOperator.Api.V1Alpha1.Sandbox.Version, NorthflankConfig.Plural, disposeClient: false);
        await configs.CreateNamespacedAsync(
            new NorthflankConfig
            {
                Metadata = new V1ObjectMeta { Name = "tenant-b" },
                Spec = new NamespacedNorthflankConfigSpec { Projects = [Project], CredentialsSecretRef = new SecretKeySelector { Name = "nf-token" } },
            },
            ns);
    }

    private static Sandbox Sandbox(string name, Action<SandboxSpec>? configure = null) => NewSandbox(name, configure);

    private static string Describe(List<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return $"p50 {sorted[sorted.Count / 2].TotalSeconds:F1} s, max {sorted[^1].TotalSeconds:F1} s ({string.Join(" ", sorted.Select(t => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)))})";
    }

    [GeneratedRegex(@"served at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")]
    private static partial Regex ServedAt();
}
