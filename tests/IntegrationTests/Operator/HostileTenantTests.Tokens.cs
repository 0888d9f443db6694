using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// What a tenant who may write Secrets, configs and Sandboxes in its own namespace can make the operator do, read as an
/// attacker would, against a real API server, the operator binary and the simulator's request log. This part: token
/// Secrets whose value cannot be a header.
/// </summary>
/// <remarks>The class's other parts are in HostileTenantTests.*.cs; this one carries its attributes.</remarks>
public partial class HostileTenantTests
{
    // Two distinct parts per token, each searched for on its own: the operator's log is JSON lines, which would write a
    // line break or a non-ASCII character escaped, so the whole value would not be found even where it leaked.
    private const string TwoLineFirst = "nfapi-twoline-first-3c9e51";
    private const string TwoLineSecond = "nfapi-twoline-second-a04d7b";
    private const string NonAsciiFirst = "nfapi-nonascii-first-58f2e0";
    private const string NonAsciiSecond = "nfapi-nonascii-second-d6b913";

    [Test]
    public async Task A_token_that_cannot_be_a_header_is_refused_on_the_sandbox_and_the_config_and_never_shown()
    {
        StartOperator();
        // kubectl create secret --from-file of a two-line file: the line break inside stays, and so does the last one.
        await CreateMalformedTokenSecretAsync("two-line", $"{TwoLineFirst}\n{TwoLineSecond}\n");
        await CreateMalformedTokenSecretAsync("non-ascii", $"{NonAsciiFirst}é{NonAsciiSecond}");
        await CreateConfigAsync("two-line");
        await CreateConfigAsync("non-ascii");
        await CreateAsync(NewSandbox("on-two-line", s => s.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "two-line" }));
        await CreateAsync(NewSandbox("on-non-ascii", s => s.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "non-ascii" }));
        // The deprecated per-Sandbox Secret goes through the same check.
        await CreateAsync(NewSandbox("own-two-line", s => s.CredentialsSecretRef = new SecretKeySelector { Name = "two-line" }));

        var twoLine = await WaitForConditionAsync("on-two-line", ConditionTypes.Synced, "False", SyncedReasons.CredentialsInvalid);
        var nonAscii = await WaitForConditionAsync("on-non-ascii", ConditionTypes.Synced, "False", SyncedReasons.CredentialsInvalid);
        var own = await WaitForConditionAsync("own-two-line", ConditionTypes.Synced, "False", SyncedReasons.CredentialsInvalid);
        var twoLineConfig = await WaitForConfigReasonAsync("two-line", ConfigReasons.CredentialsInvalid);
        var nonAsciiConfig = await WaitForConfigReasonAsync("non-ascii", ConfigReasons.CredentialsInvalid);

        // Another tenant's Sandbox on a good token, created after the refusals: served as if nothing had happened.
        await CreateAsync(NewSandbox("on-good-token"));
        await WaitForConditionAsync("on-good-token", ConditionTypes.Ready, "True", ReadyReasons.Available, TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(Synced(twoLine).Message, Does.Contain($"Secret {Namespace}/two-line key token contains a line break"));
            Assert.That(Synced(nonAscii).Message, Does.Contain($"Secret {Namespace}/non-ascii key token contains a non-ASCII character"));
            Assert.That(Synced(own).Message, Does.Contain($"Secret {Namespace}/two-line key token contains a line break"));
            Assert.That(twoLineConfig.Message, Does.Contain($"Secret {Namespace}/two-line key token contains a line break"));
            Assert.That(nonAsciiConfig.Message, Does.Contain($"Secret {Namespace}/non-ascii key token contains a non-ASCII character"));
            Assert.That(twoLine.Status!.ServiceId, Is.Null);
            Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(1), "only the good token's Sandbox reached Northflank");
        });

        await AssertNotShownAsync(["on-two-line", "on-non-ascii", "own-two-line"]);
    }

    /// <summary>
    /// Each refused Sandbox has its Warning; no part of either token is in any Sandbox's or config's status, the
    /// namespace's events or the operator's log.
    /// </summary>
    private async Task AssertNotShownAsync(IReadOnlyList<string> refused)
    {
        var sandboxes = await Sandboxes.ListNamespacedAsync<SandboxList>(Namespace);
        using var configs = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false);
        var configStatus = new List<NorthflankConfigStatus?>();
        foreach (var config in new[] { "two-line", "non-ascii" })
        {
            configStatus.Add((await configs.ReadNamespacedAsync<NorthflankConfig>(Namespace, config)).Status);
        }

        var status = JsonSerializer.Serialize(sandboxes.Items.Select(s => s.Status)) + JsonSerializer.Serialize(configStatus);
        var events = (await Admin.CoreV1.ListNamespacedEventAsync(Namespace)).Items;
        var eventText = string.Join("\n", events.Select(e => e.Message));
        var log = Operator.ReadLog();
        Assert.Multiple(() =>
        {
            Assert.That(events.Where(e => e.Reason == SyncedReasons.CredentialsInvalid).Select(e => e.InvolvedObject.Name), Is.SupersetOf(refused));
            Assert.That(log, Does.Contain(SyncedReasons.CredentialsInvalid), "the log says what happened, without the value");
            Assert.That(log, Does.Not.Contain(SyncedReasons.NorthflankUnavailable), "a malformed token is not Northflank failing to answer");
            Assert.That(log, Does.Not.Contain("Invalid character"), "no HTTP client message about a header");
            foreach (var part in new[] { TwoLineFirst, TwoLineSecond, NonAsciiFirst, NonAsciiSecond })
            {
                Assert.That(status, Does.Not.Contain(part), "status");
                Assert.That(eventText, Does.Not.Contain(part), "events");
                Assert.That(log, Does.Not.Contain(part), "operator log");
            }
        });
    }

    private static V1Condition Synced(Sandbox sandbox) => sandbox.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced);

    private Task CreateMalformedTokenSecretAsync(string name, string value) => Admin.CoreV1.CreateNamespacedSecretAsync(
        new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, byte[]> { ["token"] = Encoding.UTF8.GetBytes(value) } }, Namespace);

    private async Task CreateConfigAsync(string secret)
    {
        using var client = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false);
        await client.CreateNamespacedAsync(
            new NorthflankConfig
            {
                Metadata = new V1ObjectMeta { Name = secret },
                Spec = new NamespacedNorthflankConfigSpec { Projects = [Project], CredentialsSecretRef = new SecretKeySelector { Name = secret } },
            },
            Namespace);
    }

    private async Task<V1Condition> WaitForConfigReasonAsync(string name, string reason)
    {
        using var client = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false);
        V1Condition? ready = null;
        await Poll.UntilAsync(
            async ct =>
            {
                var config = await client.ReadNamespacedAsync<NorthflankConfig>(Namespace, name, ct);
                ready = config.Status?.Conditions?.SingleOrDefault(c => c.Type == ConditionTypes.Ready);
                return ready is { Status: "False" } && ready.Reason == reason;
            },
            TimeSpan.FromSeconds(60),
            $"NorthflankConfig {name} Ready=False {reason} (last: {ready?.Reason}: {ready?.Message})");
        return ready!;
    }
}
