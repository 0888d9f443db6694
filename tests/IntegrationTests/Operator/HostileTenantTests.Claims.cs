using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// Claims and pools whose Sandboxes the API server would refuse: the schema refuses what it can at create time; what it
/// cannot (label keys on an API server without CEL, names longer than the label that carries them) becomes a condition
/// on the claim or pool, with the API server's words, a Warning event and no hot retry loop.
/// </summary>
public partial class HostileTenantTests
{
    private GenericClient HostileClaims => new(Admin, Sandbox.Group, Sandbox.Version, SandboxClaim.Plural, disposeClient: false);

    private GenericClient HostilePools => new(Admin, Sandbox.Group, Sandbox.Version, SandboxWarmPool.Plural, disposeClient: false);

    [Test]
    public async Task The_schema_refuses_claim_label_values_kubernetes_would_refuse_when_the_claim_is_created()
    {
        StartOperator();
        var badValue = Assert.ThrowsAsync<HttpOperationException>(() => SubmitClaimAsync("bad-value", new Dictionary<string, string> { ["bad label!"] = "x/y" }));
        var tooLong = Assert.ThrowsAsync<HttpOperationException>(() => SubmitClaimAsync("long-value", new Dictionary<string, string> { ["team"] = new string('v', 64) }));

        var manifest = Path.Combine(LogDirectory, "bad-claim.yaml");
        Directory.CreateDirectory(LogDirectory);
        await File.WriteAllTextAsync(manifest, $$"""
            apiVersion: sandbox.northflank.com/v1alpha1
            kind: SandboxClaim
            metadata: {name: applied, namespace: {{Namespace}}}
            spec:
              templateRef: {name: agent}
              labels: {"bad label!": "x/y"}
            """);
        var apply = await ToolRunner.RunAsync(Tools.Kubectl, ["apply", "-f", manifest], ControlPlane.AdminKubeconfigPath);

        Assert.Multiple(() =>
        {
            Assert.That(badValue!.Response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(StatusMessage(badValue), Does.Contain("spec.labels.bad label!: Invalid value: \"x/y\"").And.Contain("should match"));
            Assert.That(tooLong!.Response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(StatusMessage(tooLong), Does.Contain("spec.labels.team").And.Contain("63"));
            Assert.That(apply.Succeeded, Is.False, "kubectl apply is refused too");
            Assert.That(apply.StandardError, Does.Contain("is invalid").And.Contain("spec.labels.bad label!"));
        });
    }

    [Test]
    public async Task A_claim_label_key_the_schema_cannot_check_is_refused_on_the_claim_before_any_sandbox_is_made()
    {
        StartOperator();
        await CreateAgentTemplateAsync();
        try
        {
            await SubmitClaimAsync("odd-key", new Dictionary<string, string> { ["bad label!"] = "fine", ["team"] = "ml" });
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            // An API server with CEL could check keys in the schema; this one (Kubernetes 1.20) cannot, as the CRD says.
            Assert.Fail($"the schema now checks label keys: {StatusMessage(e)}; make this test expect that");
        }

        var ready = await WaitForHostileAsync(ClaimConditionsAsync, "odd-key", SyncedReasons.InvalidSpec);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var sandbox = await GetAsync("odd-key");
        var warnings = await WarningsAsync("odd-key");

        Assert.Multiple(() =>
        {
            Assert.That(ready.Message, Does.StartWith("spec.labels[\"bad label!\"]: the key name must be at most 63 characters"));
            Assert.That(sandbox, Is.Null, "no Sandbox was made");
            Assert.That(RefusedCreates(), Is.Empty, "nothing was sent for the API server to refuse");
            Assert.That(warnings, Does.Contain(SyncedReasons.InvalidSpec));
        });
    }

    [Test]
    public async Task A_sandbox_the_api_server_refuses_is_a_condition_on_its_claim_and_its_pool_without_a_hot_loop()
    {
        StartOperator();
        // Valid names (DNS subdomains), but longer than the 63 characters of the label value that names them on the Sandbox.
        var claimName = "claim-" + new string('c', 60);
        var poolName = "pool-" + new string('p', 60);
        await CreateAgentTemplateAsync();
        await SubmitClaimAsync(claimName, new Dictionary<string, string> { ["team"] = "ml" });
        await HostilePools.CreateNamespacedAsync(
            new SandboxWarmPool
            {
                Metadata = new V1ObjectMeta { Name = poolName },
                Spec = new SandboxWarmPoolSpec { TemplateRef = new TemplateReference { Name = "agent" }, Replicas = 2 },
            },
            Namespace);

        var claimReady = await WaitForHostileAsync(ClaimConditionsAsync, claimName, "SandboxRefused");
        var poolReady = await WaitForHostileAsync(PoolConditionsAsync, poolName, "SandboxRefused");
        var settled = RefusedCreates();
        // Each status written (the claim's, the pool's, the template's count of users) may bring one more try; once
        // they stop changing, nothing may. A hot loop, even one backing off exponentially, keeps trying in the last 10 s.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var quiet = RefusedCreates();
        await Task.Delay(TimeSpan.FromSeconds(10));
        var later = RefusedCreates();
        var claimWarnings = await WarningsAsync(claimName);
        var poolWarnings = await WarningsAsync(poolName);
        var sandboxes = (await Sandboxes.ListNamespacedAsync<SandboxList>(Namespace)).Items;

        TestContext.Out.WriteLine($"refused creates: {settled.Count} when both said so, {quiet.Count} 5 s later, {later.Count} 15 s later:\n{string.Join("\n", later)}");
        Assert.Multiple(() =>
        {
            Assert.That(claimReady.Message, Does.StartWith($"the API server refused to create Sandbox {claimName}: "));
            Assert.That(claimReady.Message, Does.Contain("must be no more than 63 characters"), "the API server's own words");
            Assert.That(poolReady.Message, Does.StartWith("the API server refused to create a Sandbox for the pool: "));
            Assert.That(poolReady.Message, Does.Contain("must be no more than 63 characters"));
            Assert.That(claimWarnings, Does.Contain("SandboxRefused"));
            Assert.That(poolWarnings, Does.Contain("SandboxRefused"));
            Assert.That(later.Count(e => e.Name == claimName), Is.InRange(1, 3), "the claim's Sandbox is not created again and again");
            Assert.That(later.Count(e => e.Name is null), Is.InRange(1, 3), "nor the pool's: one at a time, not one per replica");
            Assert.That(later.Count - quiet.Count, Is.Zero, "no retries once the statuses stopped changing");
            Assert.That(sandboxes, Is.Empty);
        });
    }

    private Task CreateAgentTemplateAsync() =>
        new GenericClient(Admin, Sandbox.Group, Sandbox.Version, SandboxTemplate.Plural, disposeClient: false).CreateNamespacedAsync(
            new SandboxTemplate
            {
                Metadata = new V1ObjectMeta { Name = "agent" },
                Spec = new SandboxTemplateSpec { Image = "python:3.12-slim", Command = "sleep infinity" },
            },
            Namespace);

    private Task<SandboxClaim> SubmitClaimAsync(string name, IDictionary<string, string> labels) =>
        HostileClaims.CreateNamespacedAsync(
            new SandboxClaim
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new SandboxClaimSpec { TemplateRef = new TemplateReference { Name = "agent" }, Labels = labels },
            },
            Namespace);

    private async Task<IList<V1Condition>?> ClaimConditionsAsync(string name, CancellationToken ct) =>
        (await HostileClaims.ReadNamespacedAsync<SandboxClaim>(Namespace, name, ct)).Status?.Conditions;

    private async Task<IList<V1Condition>?> PoolConditionsAsync(string name, CancellationToken ct) =>
        (await HostilePools.ReadNamespacedAsync<SandboxWarmPool>(Namespace, name, ct)).Status?.Conditions;

    /// <summary>Waits for Ready=False with the reason on a claim or pool (each has one condition, Ready).</summary>
    private static async Task<V1Condition> WaitForHostileAsync(Func<string, CancellationToken, Task<IList<V1Condition>?>> conditions, string name, string reason)
    {
        V1Condition? ready = null;
        await Poll.UntilAsync(
            async ct =>
            {
                ready = (await conditions(name, ct))?.SingleOrDefault(c => c.Type == ConditionTypes.Ready);
                return ready is { Status: "False" } && ready.Reason == reason;
            },
            TimeSpan.FromSeconds(60),
            $"{name} Ready=False {reason} (last: {ready?.Reason}: {ready?.Message})");
        return ready!;
    }

    /// <summary>Sandbox creates in this namespace the API server refused (a pool's have no name: generateName).</summary>
    private List<AuditEvent> RefusedCreates() =>
        [.. ControlPlane.ReadAuditLog().Where(e => e.Namespace == Namespace && e.Resource == Sandbox.Plural && e.Subresource is null
            && e.Verb == "create" && e.Code is 400 or 422)];

    private async Task<IReadOnlyList<string>> WarningsAsync(string name) =>
        [.. (await EventsForAsync(name)).Where(e => e.Type == "Warning").Select(e => e.Reason)];

    private static string StatusMessage(HttpOperationException e) =>
        KubernetesJson.Deserialize<V1Status>(e.Response.Content)?.Message ?? e.Response.Content;
}
