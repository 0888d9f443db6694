using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// Every spec settles and nothing is held forever: absurd durations are refused with the field named, a Sandbox whose
/// Northflank project is gone can still be deleted, and a service whose Sandbox vanished without its finalizer is found.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class SettlingTests : OperatorTest
{
    protected override bool StartOperatorInSetUp => false;

    [Test]
    public async Task Durations_past_what_a_Sandbox_can_live_are_refused_naming_the_field()
    {
        StartOperator();
        var huge = Assert.ThrowsAsync<HttpOperationException>(() => CreateAsync(NewSandbox("forever", s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = "99999999999d" })));
        Assert.That(huge!.Response.Content, Does.Contain("spec.lifecycle.shutdownAfter"));

        await CreateAsync(NewSandbox("longlived", s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = "400d" }));
        var refused = await WaitForConditionAsync("longlived", ConditionTypes.Synced, "False", SyncedReasons.InvalidSpec);

        Assert.That(refused.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain("spec.lifecycle.shutdownAfter").And.Contain("366 days"));
        Assert.That(ServicesOnNorthflank(), Is.Empty);
    }

    [Test]
    public async Task A_Sandbox_whose_project_was_deleted_can_be_deleted_and_says_what_may_be_left()
    {
        StartOperator();
        await CreateAsync(NewSandbox("doomed"));
        await WaitForConditionAsync("doomed", ConditionTypes.Ready, "True");
        using (var http = new HttpClient { BaseAddress = Simulator.BaseUrl })
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", NorthflankSimulator.SimulatorOptions.DefaultDevelopmentToken);
            (await http.DeleteAsync($"v1/projects/{Project}?delete_child_objects=true")).EnsureSuccessStatusCode();
        }

        await DeleteAsync("doomed");
        await WaitUntilGoneAsync("doomed", TimeSpan.FromSeconds(30));

        // Which one depends on whether the DELETE went out before the project's list showed it gone: the DELETE of a
        // service in a deleted project is answered 404 like that of a deleted service, so Northflank confirms it gone.
        var said = (await EventsForAsync("doomed")).FirstOrDefault(e => e.Reason is "DeleteUnconfirmed" or "Deleted");
        Assert.That(said?.Message, Does.Contain(Project));
    }

    [Test]
    public async Task A_service_whose_Sandbox_vanished_is_reported_and_with_Delete_deleted()
    {
        string[] fast = ["--settled-poll-interval", "00:00:02", "--orphan-grace-period", "00:00:02"];
        StartOperator(extraArguments: fast);
        await CreateAsync(NewSandbox("keeper"));
        await CreateAsync(NewSandbox("lost"));
        await WaitForConditionAsync("keeper", ConditionTypes.Ready, "True");
        await WaitForConditionAsync("lost", ConditionTypes.Ready, "True");
        var lostService = ServicesOnNorthflank().Single(s => s.Description!.EndsWith("Sandbox lost", StringComparison.Ordinal)).Id;

        // While the operator is down, someone removes the finalizer by hand: the Sandbox goes, its service stays behind.
        await Operator.StopAsync();
        await Admin.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""[{"op":"remove","path":"/metadata/finalizers"}]""", V1Patch.PatchType.JsonPatch), Sandbox.Group, Sandbox.Version, Namespace, Sandbox.Plural, "lost");
        await DeleteAsync("lost");
        await WaitUntilGoneAsync("lost");
        StartOperator(extraArguments: fast);

        var found = await WaitForEventAsync("OrphanFound", lostService);
        Assert.That(ServicesOnNorthflank().Select(s => s.Id), Does.Contain(lostService), "Report (the default) only reports");

        await Operator.StopAsync();
        StartOperator(extraArguments: [.. fast, "--orphan-policy", "Delete"]);
        await WaitForEventAsync("OrphanDeleted", lostService);

        Assert.That(ServicesOnNorthflank().Select(s => s.Id), Is.EqualTo(new[] { ServicesOnNorthflank().Single().Id }).And.Not.Contain(lostService));
        Assert.That(found.Type, Is.EqualTo("Warning"));
        await WaitForConditionAsync("keeper", ConditionTypes.Ready, "True");
    }

    private async Task<Corev1Event> WaitForEventAsync(string reason, string mentioning)
    {
        Corev1Event? found = null;
        await Poll.UntilAsync(
            async ct =>
            {
                var events = await Admin.CoreV1.ListNamespacedEventAsync(Namespace, cancellationToken: ct);
                found = events.Items.FirstOrDefault(e => e.Reason == reason && e.Message.Contains(mentioning, StringComparison.Ordinal));
                return found is not null;
            },
            TimeSpan.FromSeconds(60),
            $"an event {reason} about {mentioning}");
        return found!;
    }
}
