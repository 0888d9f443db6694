using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Templates;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// Sandboxes on demand: templates, warm pools and claims against a real API server (with its garbage collector), the
/// operator binary and the Northflank simulator.
/// </summary>
[Parallelizable(ParallelScope.All)]
public partial class SandboxClaimTests : OperatorTest
{
    private GenericClient Templates => new(Admin, Sandbox.Group, Sandbox.Version, SandboxTemplate.Plural, disposeClient: false);

    private GenericClient Pools => new(Admin, Sandbox.Group, Sandbox.Version, SandboxWarmPool.Plural, disposeClient: false);

    private GenericClient Claims => new(Admin, Sandbox.Group, Sandbox.Version, SandboxClaim.Plural, disposeClient: false);

    [Test]
    public async Task A_claim_from_a_Running_pool_gets_a_Ready_pooled_Sandbox_and_its_service_and_the_pool_refills()
    {
        await CreateTemplateAsync("agent");
        await CreatePoolAsync("warm", "agent", replicas: 2);
        var pooled = await WaitForPoolAsync("warm", ready: 2);
        var servicesBefore = ServicesOnNorthflank().Select(s => s.Id).ToHashSet();
        Assert.That(servicesBefore, Has.Count.EqualTo(2));

        await CreateClaimAsync("mine", pool: "warm");
        var claim = await WaitForClaimAsync("mine", "True");

        var sandbox = (await GetAsync(claim.Status!.SandboxName!))!;
        Assert.Multiple(() =>
        {
            Assert.That(claim.Status.LaunchType, Is.EqualTo(LaunchTypes.Warm));
            Assert.That(pooled.Select(s => s.Metadata.Name), Does.Contain(sandbox.Metadata.Name));
            Assert.That(servicesBefore, Does.Contain(sandbox.Status!.ServiceId), "the claim got the pooled Sandbox's service, not a new one");
            Assert.That(sandbox.Metadata.OwnerReferences.Single().Kind, Is.EqualTo(SandboxClaim.EntityKind));
            Assert.That(sandbox.Metadata.Labels, Does.Not.ContainKey("sandbox.northflank.com/pool"));
            Assert.That(sandbox.Metadata.Labels["sandbox.northflank.com/claim"], Is.EqualTo("mine"));
        });

        var refilled = await WaitForPoolAsync("warm", ready: 2);
        Assert.That(refilled.Select(s => s.Metadata.Name), Does.Not.Contain(sandbox.Metadata.Name));
        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task A_claim_from_a_Paused_pool_gets_its_Sandbox_resumed()
    {
        await CreateTemplateAsync("agent");
        await CreatePoolAsync("cold-storage", "agent", replicas: 1, tier: PoolTiers.Paused);
        var pooled = (await WaitForPoolAsync("cold-storage", ready: 1)).Single();
        Assert.That(ServicesOnNorthflank().Single().Paused, Is.True);

        await CreateClaimAsync("mine", pool: "cold-storage");
        var claim = await WaitForClaimAsync("mine", "True", ReadyReasons.Available);

        Assert.Multiple(() =>
        {
            Assert.That(claim.Status!.SandboxName, Is.EqualTo(pooled.Metadata.Name));
            Assert.That(claim.Status.LaunchType, Is.EqualTo(LaunchTypes.Warm));
            Assert.That(ServicesOnNorthflank().Single(s => s.Id == pooled.Status!.ServiceId).Paused, Is.False);
        });
    }

    [Test]
    public async Task A_claim_from_a_template_gets_a_new_Sandbox_and_deleting_it_deletes_the_Sandbox_and_its_service()
    {
        await CreateTemplateAsync("agent");
        await CreateClaimAsync("mine", template: "agent");
        var claim = await WaitForClaimAsync("mine", "True", ReadyReasons.Available);

        Assert.That(claim.Status!.LaunchType, Is.EqualTo(LaunchTypes.Cold));
        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(1));

        await Admin.CustomObjects.DeleteNamespacedCustomObjectAsync(Sandbox.Group, Sandbox.Version, Namespace, SandboxClaim.Plural, "mine");
        await WaitUntilGoneAsync(claim.Status.SandboxName!);
        Assert.That(ServicesOnNorthflank(), Is.Empty);
    }

    [Test]
    public async Task A_bound_claim_s_new_labels_and_lifecycle_reach_its_Sandbox()
    {
        await CreateTemplateAsync("agent");
        await CreateClaimAsync("mine", template: "agent");
        var claim = await WaitForClaimAsync("mine", "True", ReadyReasons.Available);

        var patch = """{"spec":{"labels":{"team":"research"},"lifecycle":{"shutdownAfter":"2h"}}}""";
        await Claims.PatchNamespacedAsync<SandboxClaim>(new V1Patch(patch, V1Patch.PatchType.MergePatch), Namespace, "mine");

        Sandbox? sandbox = null;
        await Poll.UntilAsync(
            async ct =>
            {
                sandbox = await GetAsync(claim.Status!.SandboxName!);
                return sandbox?.Metadata.Labels is { } labels && labels.TryGetValue("team", out var team) && team == "research" && sandbox.Spec.Lifecycle?.ShutdownTime is not null;
            },
            TimeSpan.FromSeconds(60),
            "the claim's labels and lifecycle on its Sandbox");
        var created = claim.Metadata.CreationTimestamp!.Value;
        Assert.That(sandbox!.Spec.Lifecycle!.ShutdownTime!.Value.UtcDateTime, Is.EqualTo(DateTime.SpecifyKind(created, DateTimeKind.Utc).AddHours(2)).Within(TimeSpan.FromSeconds(1)), "counted from the claim's creation");
    }

    [Test]
    public async Task Two_claims_racing_for_the_last_pooled_Sandbox_get_different_Sandboxes()
    {
        await CreateTemplateAsync("agent");
        await CreatePoolAsync("warm", "agent", replicas: 1);
        await WaitForPoolAsync("warm", ready: 1);

        await Task.WhenAll(CreateClaimAsync("first", pool: "warm"), CreateClaimAsync("second", pool: "warm"));
        var first = await WaitForClaimAsync("first", "True");
        var second = await WaitForClaimAsync("second", "True");

        Assert.That(first.Status!.SandboxName, Is.Not.EqualTo(second.Status!.SandboxName));
        Assert.That(new[] { first.Status.LaunchType, second.Status.LaunchType }, Is.EquivalentTo(new[] { LaunchTypes.Warm, LaunchTypes.Cold }));
    }

    [Test]
    public async Task Kubectl_scale_resizes_a_pool()
    {
        await CreateTemplateAsync("agent");
        await CreatePoolAsync("warm", "agent", replicas: 1);
        await WaitForPoolAsync("warm", ready: 1);

        var scale = await ToolRunner.RunAsync(Tools.Kubectl, ["scale", "-n", Namespace, "sandboxwarmpool/warm", "--replicas=3"], ControlPlane.AdminKubeconfigPath);
        Assert.That(scale.Succeeded, Is.True, scale.Describe());

        await WaitForPoolAsync("warm", ready: 3);
        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task A_claim_whose_config_refuses_it_says_why()
    {
        await CreateTemplateAsync("agent", t => t.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "nowhere" });
        await CreateClaimAsync("mine", template: "agent");

        var claim = await WaitForClaimAsync("mine", "False", SyncedReasons.ConfigNotFound);

        Assert.That(claim.Status!.Conditions!.Single().Message, Does.Contain("nowhere"));
        Assert.That(ServicesOnNorthflank(), Is.Empty);
    }

    [Test]
    public async Task The_examples_apply_and_kubectl_wait_works_on_a_claim()
    {
        var kubeconfig = ControlPlane.AdminKubeconfigPath;
        var examples = Path.Combine(RepositoryRoot.Path, "examples", "on-demand");

        var apply = await ToolRunner.RunAsync(Tools.Kubectl, ["apply", "-n", Namespace, "-f", examples], kubeconfig);
        Assert.That(apply.Succeeded, Is.True, apply.Describe());
        var wait = await ToolRunner.RunAsync(Tools.Kubectl, ["wait", "-n", Namespace, "--for=condition=Ready", "sandboxclaim/task-42", "--timeout=90s"], kubeconfig);
        Assert.That(wait.Succeeded, Is.True, wait.Describe() + "\n" + Operator.LogTail(30));

        var claimed = (await GetAsync((await WaitForClaimAsync("task-42", "True")).Status!.SandboxName!))!;
        Assert.That(claimed.Metadata.Labels["task"], Is.EqualTo("42"));
        var status = await WaitForTemplateStatusAsync("python-agent", s => s.Sandboxes == 3 && s.Pools is ["python-agents"]);
        Assert.That(status.Hash, Is.EqualTo("49bb95065e"), "the hash docs/on-demand.md shows for this template");
        var get = await ToolRunner.RunAsync(Tools.Kubectl, ["get", "sandboxtemplates,sandboxclaims,sandboxwarmpools", "-n", Namespace], kubeconfig);
        TestContext.Out.WriteLine(get.StandardOutput);
    }

    [Test]
    public async Task A_template_change_replaces_the_pools_unclaimed_Sandboxes_but_not_claimed_ones()
    {
        await CreateTemplateAsync("agent");
        await CreatePoolAsync("warm", "agent", replicas: 2);
        await WaitForPoolAsync("warm", ready: 2);
        await CreateClaimAsync("mine", pool: "warm");
        var claimed = (await WaitForClaimAsync("mine", "True")).Status!.SandboxName!;
        var before = await WaitForPoolAsync("warm", ready: 2);

        var template = await Templates.ReadNamespacedAsync<SandboxTemplate>(Namespace, "agent");
        template.Spec.Image = "python:3.13-slim";
        await Templates.ReplaceNamespacedAsync(template, Namespace, "agent");

        await Poll.UntilAsync(
            async ct =>
            {
                var list = await Sandboxes.ListNamespacedAsync<SandboxList>(Namespace, cancel: ct);
                var members = list.Items.Where(m => m.Metadata.Labels?.ContainsKey("sandbox.northflank.com/pool") == true && m.Metadata.DeletionTimestamp is null).ToList();
                return members.Count == 2 && members.All(m => m.Metadata.Labels["sandbox.northflank.com/template-hash"] == TemplateHash.Of(template.Spec));
            },
            TimeSpan.FromSeconds(120),
            "every unclaimed Sandbox made from the new template");
        var after = await WaitForPoolAsync("warm", ready: 2);
        var stillClaimed = await GetAsync(claimed);

        Assert.Multiple(() =>
        {
            Assert.That(after.Select(s => s.Metadata.Name).Intersect(before.Select(s => s.Metadata.Name)), Is.Empty, "both replaced");
            Assert.That(stillClaimed!.Metadata.DeletionTimestamp, Is.Null, "a claimed Sandbox is never replaced");
            Assert.That(ServicesOnNorthflank().Count(s => s.ImagePath == "python:3.13-slim"), Is.AtLeast(2));
        });
    }

    private Task<SandboxTemplate> CreateTemplateAsync(string name, Action<SandboxTemplateSpec>? configure = null)
    {
        var template = new SandboxTemplate
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new SandboxTemplateSpec { Image = "python:3.12-slim", Command = "sleep infinity" },
        };
        configure?.Invoke(template.Spec);
        return Templates.CreateNamespacedAsync(template, Namespace);
    }

    private Task<SandboxWarmPool> CreatePoolAsync(string name, string template, int replicas, string tier = PoolTiers.Running, int maxUnavailable = 1) =>
        Pools.CreateNamespacedAsync(
            new SandboxWarmPool
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new SandboxWarmPoolSpec { TemplateRef = new TemplateReference { Name = template }, Replicas = replicas, Tier = tier, MaxUnavailable = maxUnavailable },
            },
            Namespace);

    private Task<SandboxClaim> CreateClaimAsync(string name, string? pool = null, string? template = null) =>
        Claims.CreateNamespacedAsync(
            new SandboxClaim
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new SandboxClaimSpec
                {
                    WarmPoolRef = pool is null ? null : new PoolReference { Name = pool },
                    TemplateRef = template is null ? null : new TemplateReference { Name = template },
                },
            },
            Namespace);

    /// <summary>Waits until the pool reports that many Ready unclaimed Sandboxes (and no more), and returns them.</summary>
    private async Task<IReadOnlyList<Sandbox>> WaitForPoolAsync(string name, int ready)
    {
        IReadOnlyList<Sandbox> members = [];
        SandboxWarmPool? pool = null;
        await Poll.UntilAsync(
            async ct =>
            {
                pool = await Pools.ReadNamespacedAsync<SandboxWarmPool>(Namespace, name, ct);
                var list = await Sandboxes.ListNamespacedAsync<SandboxList>(Namespace, cancel: ct);
                members = [.. list.Items.Where(s => s.Metadata.Labels?.TryGetValue("sandbox.northflank.com/pool", out var p) == true && p == name && s.Metadata.DeletionTimestamp is null)];
                return pool.Status is { } status && status.ReadyReplicas == ready && status.Replicas == ready
                    && status.ObservedGeneration == pool.Metadata.Generation && members.Count == ready;
            },
            TimeSpan.FromSeconds(90),
            $"pool {name} to have {ready} Ready Sandboxes (last: {pool?.Status?.ReadyReplicas}/{pool?.Status?.Replicas})");
        return members;
    }

    private async Task<SandboxClaim> WaitForClaimAsync(string name, string status, string? reason = null)
    {
        SandboxClaim? claim = null;
        try
        {
            await Poll.UntilAsync(
                async ct =>
                {
                    claim = await Claims.ReadNamespacedAsync<SandboxClaim>(Namespace, name, ct);
                    var ready = claim.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
                    return ready is not null && ready.Status == status && (reason is null || ready.Reason == reason);
                },
                TimeSpan.FromSeconds(90),
                $"claim {name} Ready={status}");
        }
        catch (TimeoutException)
        {
            var last = claim?.Status?.Conditions?.FirstOrDefault();
            Assert.Fail($"claim {name}: Ready never became {status} {reason}; last: {last?.Status} {last?.Reason}: {last?.Message}\n--- operator log ---\n{Operator.LogTail(40)}");
        }

        return claim!;
    }
}
