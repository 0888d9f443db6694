using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// What the operator meets on a real Northflank account and the simulator now models: answers without a paused flag,
/// image paths without their registry host, no failure message on a FAILED deployment.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class NorthflankFidelityTests : OperatorTest
{
    protected override bool StartOperatorInSetUp => false;

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_paused_sandbox_stays_paused_after_an_image_change(bool instancesResumeAPausedService)
    {
        Simulator.Options.Readings.InstancesResumePausedService = instancesResumeAPausedService;
        StartOperator();
        await CreateAsync(NewSandbox("napping", s => s.OperatingMode = OperatingModes.Paused));
        await WaitForConditionAsync("napping", ConditionTypes.Ready, "True", ReadyReasons.Paused);

        await UpdateSpecAsync("napping", s => s.Image = "python:3.13-slim");
        var ready = await WaitForConditionAsync("napping", ConditionTypes.Ready, "True", ReadyReasons.Paused);

        var service = ServicesOnNorthflank().Single();
        Assert.Multiple(() =>
        {
            Assert.That(ready.Status!.OperatingMode, Is.EqualTo(OperatingModes.Paused));
            Assert.That(service.Paused, Is.True);
            Assert.That(service.ImagePath, Is.EqualTo("python:3.13-slim"));
            Assert.That(service.Deployments.Select(d => d.Instances), Has.All.Zero, "no deployment of a paused Sandbox ever ran an instance");
        });
    }

    [TestCase(PatchReading.Replace)]
    [TestCase(PatchReading.Merge)]
    public async Task A_removed_variable_leaves_the_service_whether_patch_replaces_or_merges_the_environment(PatchReading reading)
    {
        Simulator.Options.Readings.Patch = reading;
        StartOperator();
        await CreateAsync(NewSandbox("envy", s => s.Env = [new SandboxEnvVar { Name = "KEEP", Value = "1" }, new SandboxEnvVar { Name = "API_KEY", Value = "secret" }]));
        await WaitForConditionAsync("envy", ConditionTypes.Ready, "True", ReadyReasons.Available);

        await UpdateSpecAsync("envy", s => s.Env = [new SandboxEnvVar { Name = "KEEP", Value = "2" }]);
        await WaitForConditionAsync("envy", ConditionTypes.Ready, "True", ReadyReasons.Available);

        Assert.That(ServicesOnNorthflank().Single().EnvironmentNames, Is.EqualTo(new[] { "KEEP" }));
    }

    [Test]
    public async Task An_image_from_another_registry_makes_no_drift_redeploy_across_three_drift_checks()
    {
        StartOperator(extraArguments: ["--drift-check-interval", "00:00:01"]);
        await CreateAsync(NewSandbox("ghcr", s => s.Image = "ghcr.io/acme/agent:1.4"));
        var ready = await WaitForConditionAsync("ghcr", ConditionTypes.Ready, "True", ReadyReasons.Available);
        var first = ready.Status!.LastDriftCheck;

        var checks = new HashSet<DateTimeOffset?>();
        await Poll.UntilAsync(
            async _ =>
            {
                var check = (await GetAsync("ghcr"))?.Status?.LastDriftCheck;
                if (check != first)
                {
                    checks.Add(check);
                }

                return checks.Count >= 3;
            },
            TimeSpan.FromSeconds(60),
            "three drift checks");

        var patches = Simulator.GetRequests().Count(r => r.Method == "PATCH" || r.Method == "PUT");
        Assert.Multiple(() =>
        {
            Assert.That(ServicesOnNorthflank().Single().DeploymentCount, Is.EqualTo(1), "no redeploy");
            Assert.That(patches, Is.Zero, "no update sent");
        });
    }

    [Test]
    public async Task A_failed_image_shows_its_containers_state_in_Ready_read_once()
    {
        StartOperator();
        await CreateAsync(NewSandbox("broken", s => s.Image = "ghcr.io/acme/does-not-exist:1.0"));

        var failed = await WaitForConditionAsync("broken", ConditionTypes.Ready, "False", ReadyReasons.DeploymentFailed);

        var message = failed.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message;
        Assert.That(message, Does.Contain("containers: ").And.Contain("TASK_"));
        Assert.That(Simulator.GetRequests().Count(r => r.Route?.EndsWith("/containers", StringComparison.Ordinal) == true), Is.EqualTo(1));
    }

    [Test]
    public async Task Spec_tags_reach_the_service_and_the_operator_writes_none_of_its_own()
    {
        StartOperator();
        await CreateAsync(NewSandbox("tagged", s => s.Tags = ["gvisor", "spot-nodes"]));
        await WaitForConditionAsync("tagged", ConditionTypes.Ready, "True", ReadyReasons.Available);
        await CreateAsync(NewSandbox("untagged"));
        await WaitForConditionAsync("untagged", ConditionTypes.Ready, "True", ReadyReasons.Available);

        var services = ServicesOnNorthflank().ToDictionary(s => s.Description!.EndsWith("Sandbox tagged", StringComparison.Ordinal) ? "tagged" : "untagged");
        Assert.Multiple(() =>
        {
            Assert.That(services["tagged"].Tags, Is.EqualTo(new[] { "gvisor", "spot-nodes" }));
            Assert.That(services["untagged"].Tags, Is.Empty);
            Assert.That(services.Values.Select(s => s.Description), Has.All.StartWith("Managed by northflank-sandbox-operator (cluster it, namespace " + Namespace));
        });

        await UpdateSpecAsync("tagged", s => s.Tags = null);
        await WaitForConditionAsync("tagged", ConditionTypes.Ready, "True", ReadyReasons.Available);
        Assert.That(ServicesOnNorthflank().Single(s => s.Id == services["tagged"].Id).Tags, Is.Empty, "tags follow the spec down to none");
    }

    [Test]
    public async Task A_sandbox_ending_by_deletion_also_asks_Northflank_to_expire_its_service()
    {
        StartOperator();
        var created = await CreateAsync(NewSandbox("preview", s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = "2h" }));
        await WaitForConditionAsync("preview", ConditionTypes.Ready, "True", ReadyReasons.Available);

        var expiry = ServicesOnNorthflank().Single().Expiry;
        var shutdown = new DateTimeOffset(created.Metadata.CreationTimestamp!.Value, TimeSpan.Zero) + TimeSpan.FromHours(2);
        Assert.That(expiry?.ExpiryTime, Is.Not.Null, "createOptions.expiryTime was sent");
        Assert.That(expiry!.ExpiryTime!.Value, Is.EqualTo(shutdown).Within(TimeSpan.FromSeconds(5)), "Northflank expires it when the Sandbox would");
    }
}
