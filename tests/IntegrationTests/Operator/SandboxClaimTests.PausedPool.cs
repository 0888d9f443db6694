using SandboxOperator.Api.V1Alpha1;

namespace IntegrationTests.Operator;

/// <summary>
/// A Paused-tier pool's Sandboxes are created paused: no instance runs before a claim starts one, and the claim says
/// Resuming while it does.
/// </summary>
public partial class SandboxClaimTests
{
    [Test]
    public async Task A_Paused_pool_s_Sandboxes_never_run_a_deployment_before_their_claim()
    {
        await CreateTemplateAsync("agent");
        await CreatePoolAsync("cold-storage", "agent", replicas: 2, tier: PoolTiers.Paused);
        var pooled = await WaitForPoolAsync("cold-storage", ready: 2);
        var services = pooled.Select(s => s.Status!.ServiceId!).ToList();

        Assert.Multiple(() =>
        {
            foreach (var service in ServicesOnNorthflank().Where(s => services.Contains(s.Id)))
            {
                Assert.That(service.Paused, Is.True, service.Id);
                Assert.That(service.Deployments.Select(d => d.Instances), Has.All.EqualTo(0), $"{service.Id}: every deployment before a claim runs no instance");
            }

            Assert.That(ResumesOf(services), Is.Empty, "nothing resumed before a claim");
        });

        // Resumes as slow as a small image's start, so that the claim's state while it resumes is seen.
        Simulator.Options.Deployment.InProgressDuration = TimeSpan.FromSeconds(2);
        var reasons = new List<string>();
        using var watching = new CancellationTokenSource();
        var watcher = WatchClaimReasonsAsync("mine", reasons, watching.Token);
        await CreateClaimAsync("mine", pool: "cold-storage");
        var claim = await WaitForClaimAsync("mine", "True", ReadyReasons.Available);
        await watching.CancelAsync();
        await watcher;

        var taken = ServicesOnNorthflank().Single(s => s.Id == pooled.Single(p => p.Metadata.Name == claim.Status!.SandboxName).Status!.ServiceId);
        TestContext.Out.WriteLine($"claim reasons: {string.Join(" → ", reasons)}; deployments: {string.Join(", ", taken.Deployments.Select(d => $"#{d.Number} {d.Reason} x{d.Instances}"))}");
        Assert.Multiple(() =>
        {
            Assert.That(taken.Deployments.Count(d => d.Instances > 0), Is.EqualTo(1), "the only deployment that ever ran is the claim's");
            Assert.That(taken.Deployments[^1].Instances, Is.GreaterThan(0), "and it is the last");
            Assert.That(ResumesOf([taken.Id]), Has.Count.EqualTo(1));
            Assert.That(reasons, Does.Contain(ReadyReasons.Resuming));
            Assert.That(reasons, Does.Not.Contain(ReadyReasons.Deploying));
        });
    }

    private List<string> ResumesOf(IReadOnlyCollection<string> services) =>
        [.. Simulator.GetRequests().Where(r => r.Method == "POST" && services.Any(id => r.Path.EndsWith($"/services/{id}/resume", StringComparison.Ordinal))).Select(r => r.Path)];

    /// <summary>Every Ready reason the claim shows, in order, sampled every 0.1 s until cancelled.</summary>
    private async Task WatchClaimReasonsAsync(string name, List<string> reasons, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var claims = await Claims.ListNamespacedAsync<SandboxClaimList>(Namespace, cancel: ct);
                var reason = claims.Items.FirstOrDefault(c => c.Metadata.Name == name)?.Status?.Conditions?.FirstOrDefault()?.Reason;
                if (reason is not null && (reasons.Count == 0 || reasons[^1] != reason))
                {
                    reasons.Add(reason);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The claim is Ready.
        }
    }
}
