using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Templates;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// A template change rolls a pool's unclaimed Sandboxes over a few at a time (never more than maxUnavailable not
/// Ready, as a watch sampling every 0.5 s sees them), while claimed Sandboxes take it in place.
/// </summary>
public partial class SandboxClaimTests
{
    private const int RolloutReplicas = 4;

    [TestCase(1, false)]
    [TestCase(2, false)]
    [TestCase(1, true)]
    [TestCase(2, true)]
    public async Task A_template_rollout_never_has_more_pooled_Sandboxes_not_Ready_than_max_unavailable(int maxUnavailable, bool withClaims)
    {
        await CreateTemplateAsync("agent");
        await CreatePoolAsync("warm", "agent", replicas: RolloutReplicas, maxUnavailable: maxUnavailable);
        await WaitForPoolAsync("warm", ready: RolloutReplicas);
        var claimed = new List<Sandbox>();
        if (withClaims)
        {
            await Task.WhenAll(CreateClaimAsync("first", pool: "warm"), CreateClaimAsync("second", pool: "warm"));
            foreach (var name in new[] { "first", "second" })
            {
                claimed.Add((await GetAsync((await WaitForClaimAsync(name, "True")).Status!.SandboxName!))!);
            }

            await WaitForPoolAsync("warm", ready: RolloutReplicas);
        }

        // Deployments as slow as a small image's on Northflank from here on, so that the 0.5 s samples see each step.
        Simulator.Options.Deployment.InProgressDuration = TimeSpan.FromSeconds(3);
        using var sampling = new CancellationTokenSource();
        var samples = new List<(DateTimeOffset At, int NotReady, string Who)>();
        var sampler = SamplePoolAsync("warm", samples, sampling.Token);
        Simulator.ClearRequests();
        var template = await Templates.ReadNamespacedAsync<SandboxTemplate>(Namespace, "agent");
        template.Spec.Image = "python:3.13-slim";
        await Templates.ReplaceNamespacedAsync(template, Namespace, "agent");
        var hash = TemplateHash.Of(template.Spec);

        await Poll.UntilAsync(
            async ct =>
            {
                var members = await PoolMembersAsync("warm", ct);
                return members.Count == RolloutReplicas && members.All(m => m.Metadata.Labels[PoolLabelHash] == hash && IsReady(m));
            },
            TimeSpan.FromSeconds(180),
            "every unclaimed Sandbox made from the new template, and Ready");
        await sampling.CancelAsync();
        await sampler;

        var worst = samples.MaxBy(s => s.NotReady);
        TestContext.Out.WriteLine($"{samples.Count} samples; most not Ready at once: {worst.NotReady} ({worst.Who}) at {worst.At:O}");
        Assert.That(samples.Count(s => s.NotReady > 0), Is.GreaterThan(5), "the sampler watched the rollout");
        Assert.That(worst.NotReady, Is.LessThanOrEqualTo(maxUnavailable), $"at {worst.At:O}: {worst.Who}");
        foreach (var before in claimed)
        {
            await AssertTookTheChangeInPlaceAsync(before);
        }
    }

    private const string PoolLabelHash = "sandbox.northflank.com/template-hash";

    /// <summary>A claimed Sandbox: the same object and service, given the new image with one PATCH, and Ready.</summary>
    private async Task AssertTookTheChangeInPlaceAsync(Sandbox before)
    {
        await Poll.UntilAsync(
            async ct => ServicesOnNorthflank().Single(s => s.Id == before.Status!.ServiceId).ImagePath == "python:3.13-slim"
                && await GetAsync(before.Metadata.Name) is { } now && IsReady(now),
            TimeSpan.FromSeconds(60),
            $"claimed Sandbox {before.Metadata.Name} on the new image and Ready");
        var after = (await GetAsync(before.Metadata.Name))!;
        var patches = Simulator.GetRequests().Count(r => r.Method == "PATCH" && r.Path.EndsWith($"/services/deployment/{before.Status!.ServiceId}", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(after.Metadata.Uid, Is.EqualTo(before.Metadata.Uid), "the same Sandbox");
            Assert.That(after.Status!.ServiceId, Is.EqualTo(before.Status!.ServiceId), "the same service");
            Assert.That(patches, Is.EqualTo(1), "one PATCH");
        });
    }

    /// <summary>Every 0.5 s until cancelled: how many of the pool's unclaimed Sandboxes (not being deleted) are not Ready.</summary>
    private async Task SamplePoolAsync(string pool, List<(DateTimeOffset At, int NotReady, string Who)> samples, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            do
            {
                var notReady = (await PoolMembersAsync(pool, ct)).Where(m => !IsReady(m)).ToList();
                samples.Add((DateTimeOffset.UtcNow, notReady.Count, string.Join(", ", notReady.Select(m => $"{m.Metadata.Name}: {ReadyOf(m)?.Reason}"))));
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException)
        {
            // The rollout is over.
        }
    }

    private async Task<List<Sandbox>> PoolMembersAsync(string pool, CancellationToken ct) =>
        [.. (await Sandboxes.ListNamespacedAsync<SandboxList>(Namespace, cancel: ct)).Items
            .Where(s => s.Metadata.Labels?.TryGetValue("sandbox.northflank.com/pool", out var p) == true && p == pool && s.Metadata.DeletionTimestamp is null)];

    private static V1Condition? ReadyOf(Sandbox sandbox) => sandbox.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);

    /// <summary>Ready for its current spec, as the pool and claims count it.</summary>
    private static bool IsReady(Sandbox sandbox) =>
        ReadyOf(sandbox)?.Status == "True" && sandbox.Status!.ObservedGeneration == sandbox.Metadata.Generation;
}
