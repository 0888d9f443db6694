using System.Net;
using k8s.Autorest;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// A template deleted and made again (as a GitOps tool replacing it does): its Sandboxes say so in Synced, their
/// claims stay Ready while the services run, and its return brings every one back at once.
/// </summary>
public partial class SandboxClaimTests
{
    [Test]
    public async Task A_template_deleted_and_made_again_five_times_never_takes_a_claim_s_Ready_away()
    {
        await CreateTemplateAsync("agent");
        await CreatePoolAsync("warm", "agent", replicas: 2);
        await WaitForPoolAsync("warm", ready: 2);
        await Task.WhenAll(CreateClaimAsync("warm-claim", pool: "warm"), CreateClaimAsync("cold-claim", template: "agent"));
        string[] claims = ["warm-claim", "cold-claim"];
        var bound = new List<string>();
        foreach (var name in claims)
        {
            bound.Add((await WaitForClaimAsync(name, "True")).Status!.SandboxName!);
        }

        var deployTime = Simulator.Options.Deployment.PendingDuration + Simulator.Options.Deployment.InProgressDuration;
        using var sampling = new CancellationTokenSource();
        var outages = new List<string>();
        var sampler = SampleClaimsAsync(claims, outages, sampling.Token);

        for (var cycle = 1; cycle <= 5; cycle++)
        {
            await Templates.DeleteNamespacedAsync<k8s.Models.V1Status>(Namespace, "agent");
            await WaitForSandboxesAsync(bound, SyncedReasons.ReferenceNotFound, TimeSpan.FromSeconds(30), $"cycle {cycle}: every claimed Sandbox Synced=False ReferenceNotFound");

            await CreateTemplateAsync("agent");
            await WaitForSandboxesAsync(bound, SyncedReasons.Synced, deployTime + TimeSpan.FromSeconds(5), $"cycle {cycle}: every claimed Sandbox synced again within the deploy time plus 5 s");
            foreach (var name in claims)
            {
                var ready = (await Claims.ReadNamespacedAsync<SandboxClaim>(Namespace, name)).Status!.Conditions!.Single();
                Assert.That(ready.Status, Is.EqualTo("True"), $"cycle {cycle}: claim {name}: {ready.Reason}: {ready.Message}");
            }
        }

        await sampling.CancelAsync();
        await sampler;
        Assert.That(outages, Is.Empty, "a claim said Ready=False while its service ran");
    }

    [Test]
    public async Task A_claim_waiting_for_its_missing_template_is_bound_as_soon_as_it_comes()
    {
        await CreateClaimAsync("mine", template: "agent");
        await WaitForClaimAsync("mine", "False", "TemplateNotFound");

        await CreateTemplateAsync("agent");
        var deployTime = Simulator.Options.Deployment.PendingDuration + Simulator.Options.Deployment.InProgressDuration;
        var started = DateTimeOffset.UtcNow;
        await WaitForClaimAsync("mine", "True", ReadyReasons.Available);

        // Sooner than the claim's own retry (ClaimReconciler.RetryRefused, 10 s) would have come.
        Assert.That(DateTimeOffset.UtcNow - started, Is.LessThan(deployTime + TimeSpan.FromSeconds(5)));
    }

    /// <summary>Waits until each Sandbox's Synced condition has <paramref name="reason"/>.</summary>
    private async Task WaitForSandboxesAsync(IEnumerable<string> names, string reason, TimeSpan timeout, string what)
    {
        var last = "";
        try
        {
            await Poll.UntilAsync(
                async ct =>
                {
                    var synced = new List<string>();
                    foreach (var name in names)
                    {
                        var condition = (await GetAsync(name))?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Synced);
                        synced.Add($"{name}: {condition?.Reason}");
                    }

                    last = string.Join(", ", synced);
                    return synced.All(s => s.EndsWith($": {reason}", StringComparison.Ordinal));
                },
                timeout,
                what);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what}; last: {last}\n--- operator log ---\n{Operator.LogTail(30)}");
        }
    }

    /// <summary>Every 0.5 s until cancelled: each claim that is not Ready although its service runs COMPLETED.</summary>
    private async Task SampleClaimsAsync(string[] claims, List<string> outages, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            do
            {
                foreach (var name in claims)
                {
                    var claim = await Claims.ReadNamespacedAsync<SandboxClaim>(Namespace, name, ct);
                    var ready = claim.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
                    var sandbox = await GetAsync(claim.Status!.SandboxName!);
                    var service = ServicesOnNorthflank().FirstOrDefault(s => s.Id == sandbox?.Status?.ServiceId);
                    if (ready?.Status != "True" && service is { Paused: false, Status: "COMPLETED" })
                    {
                        outages.Add($"{DateTimeOffset.UtcNow:O} {name}: {ready?.Reason}: {ready?.Message}");
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            outages.Add($"a claim went: {e.Message}");
        }
    }
}
