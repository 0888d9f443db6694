using System.Text.Json;
using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

[Parallelizable(ParallelScope.All)]
public class SecretsAndLifecycleTests : OperatorTest
{
    private const string SecretValue = "sk-live-THIS-MUST-NEVER-LEAK-4242";
    private const string RotatedValue = "sk-live-ROTATED-MUST-NEVER-LEAK-7777";

    [Test]
    public async Task Env_from_a_Secret_reaches_Northflank_only_and_a_Secret_change_resyncs()
    {
        await Admin.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "agent-keys" }, StringData = new Dictionary<string, string> { ["api-key"] = SecretValue } }, Namespace);
        await Admin.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "agent-config" }, Data = new Dictionary<string, string> { ["level"] = "debug" } }, Namespace);
        await CreateAsync(NewSandbox("agent", s => s.Env =
        [
            new SandboxEnvVar { Name = "API_KEY", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "agent-keys", Key = "api-key" } } },
            new SandboxEnvVar { Name = "LOG_LEVEL", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new KeySelector { Name = "agent-config", Key = "level" } } },
        ]));
        var ready = await WaitForConditionAsync("agent", ConditionTypes.Ready, "True");
        using var api = new SimulatorApi(Simulator);

        var env = await api.RuntimeEnvironmentAsync(Project, ready.Status!.ServiceId!);
        Assert.That(env, Does.ContainKey("API_KEY").WithValue(SecretValue));
        Assert.That(env, Does.ContainKey("LOG_LEVEL").WithValue("debug"));

        await Admin.CoreV1.PatchNamespacedSecretAsync(
            new V1Patch(new { stringData = new Dictionary<string, string> { ["api-key"] = RotatedValue } }, V1Patch.PatchType.MergePatch), "agent-keys", Namespace);
        await Poll.UntilAsync(
            async _ => (await api.RuntimeEnvironmentAsync(Project, ready.Status.ServiceId!)).GetValueOrDefault("API_KEY") == RotatedValue,
            TimeSpan.FromSeconds(60),
            "the rotated Secret to reach Northflank");
        await WaitForConditionAsync("agent", ConditionTypes.Ready, "True");

        var status = JsonSerializer.Serialize((await GetAsync("agent"))!.Status);
        var events = string.Join("\n", (await EventsForAsync("agent")).Select(e => e.Message));
        var log = Operator.ReadLog();
        Assert.Multiple(() =>
        {
            foreach (var secret in new[] { SecretValue, RotatedValue, OperatorTestToken })
            {
                Assert.That(status, Does.Not.Contain(secret), "status");
                Assert.That(events, Does.Not.Contain(secret), "events");
                Assert.That(log, Does.Not.Contain(secret), "operator log");
            }
        });
        Assert.That(events, Does.Contain("updated Northflank service"), "the Secret change re-applied the service");
    }

    [Test]
    public async Task A_deleted_Secret_is_noticed_and_its_return_resyncs()
    {
        // The operator watches Secrets by metadata and keeps the values it read: the watch must tell it both events.
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "agent-keys" }, StringData = new Dictionary<string, string> { ["api-key"] = SecretValue } };
        await Admin.CoreV1.CreateNamespacedSecretAsync(secret, Namespace);
        await CreateAsync(NewSandbox("agent", s => s.Env =
            [new SandboxEnvVar { Name = "API_KEY", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "agent-keys", Key = "api-key" } } }]));
        var ready = await WaitForConditionAsync("agent", ConditionTypes.Ready, "True");

        await Admin.CoreV1.DeleteNamespacedSecretAsync("agent-keys", Namespace);
        await WaitForConditionAsync("agent", ConditionTypes.Synced, "False", SyncedReasons.ReferenceNotFound);

        secret.StringData["api-key"] = RotatedValue;
        await Admin.CoreV1.CreateNamespacedSecretAsync(secret, Namespace);
        await WaitForConditionAsync("agent", ConditionTypes.Synced, "True");
        using var api = new SimulatorApi(Simulator);
        await Poll.UntilAsync(
            async _ => (await api.RuntimeEnvironmentAsync(Project, ready.Status!.ServiceId!)).GetValueOrDefault("API_KEY") == RotatedValue,
            TimeSpan.FromSeconds(60),
            "the recreated Secret's value to reach Northflank");
    }

    [Test]
    public async Task Expiry_with_Delete_deletes_the_sandbox_and_its_service_at_shutdown_time()
    {
        // 15 s, so that even on a loaded machine the first reconcile comes before it and there is a service to delete: a
        // Sandbox already expired when first seen rightly gets none, and the test would then check nothing it means to.
        var created = await CreateAsync(NewSandbox("short-lived", s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = "15s", ShutdownPolicy = ShutdownPolicies.Delete }));

        // Not waiting for Ready on the way: on a loaded machine the shutdown time can pass before a test looks.
        await WaitUntilGoneAsync("short-lived", TimeSpan.FromSeconds(60));

        Assert.That(Simulator.GetRequests().Count(r => r.Method == "POST" && r.Route?.EndsWith("/services/deployment", StringComparison.Ordinal) == true), Is.EqualTo(1), "the service was created first");
        Assert.That(ServicesOnNorthflank(), Is.Empty);
        var expired = (await EventsForAsync("short-lived")).Single(e => e.Reason == "Expired");
        var deadline = new DateTimeOffset(created.Metadata.CreationTimestamp!.Value, TimeSpan.Zero).AddSeconds(15);
        Assert.That(expired.Message, Does.Contain($"shutdown time {deadline:O} reached"));
    }

    [Test]
    public async Task Expiry_with_Pause_pauses_and_reports_Expired()
    {
        await CreateAsync(NewSandbox("nightly", s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = DateTimeOffset.UtcNow.AddSeconds(8), ShutdownPolicy = ShutdownPolicies.Pause }));

        var expired = await WaitForConditionAsync("nightly", ConditionTypes.Ready, "False", ReadyReasons.Expired, TimeSpan.FromSeconds(60));

        Assert.That(expired.Status!.OperatingMode, Is.EqualTo(OperatingModes.Paused));
        Assert.That(ServicesOnNorthflank().Single().Paused, Is.True);
        Assert.That(expired.Status.ExpiresAt, Is.EqualTo(expired.Spec.Lifecycle!.ShutdownTime));
    }

    private static string OperatorTestToken => NorthflankSimulator.SimulatorOptions.DefaultDevelopmentToken;
}
