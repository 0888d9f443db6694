using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

[Parallelizable(ParallelScope.All)]
public class SandboxLifecycleTests : OperatorTest
{
    [Test]
    public async Task Created_sandbox_becomes_Ready_with_its_public_url_and_is_deleted_with_its_volume()
    {
        await CreateAsync(NewSandbox("web", s =>
        {
            s.Ports = [new SandboxPort { Name = "http", Port = 8080, Public = true }, new SandboxPort { Name = "metrics", Port = 9090 }];
            s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/data" };
        }));

        var ready = await WaitForConditionAsync("web", ConditionTypes.Ready, "True", ReadyReasons.Available);

        var service = ServicesOnNorthflank().Single();
        Assert.Multiple(() =>
        {
            Assert.That(ready.Status!.ServiceId, Is.EqualTo(service.Id));
            Assert.That(ready.Status.Url, Does.StartWith("https://http--" + service.Id + "--").And.EndWith(".code.run"));
            Assert.That(ready.Status.Endpoints!.Single(e => e.Name == "metrics").Url, Is.Null);
            Assert.That(ready.Status.VolumeId, Is.EqualTo(VolumesOnNorthflank().Single().Id));
            Assert.That(VolumesOnNorthflank().Single().AttachedServices, Is.EqualTo(new[] { service.Id }));
            Assert.That(service.Deployments.Select(d => (d.Number, d.Volumes.Single())), Is.EqualTo(new[] { (1, ready.Status.VolumeId) }),
                "one deployment, and it already mounts the volume: the container never runs without it");
            Assert.That(ready.Status.ObservedGeneration, Is.EqualTo(ready.Metadata.Generation));
            Assert.That(ready.Metadata.Finalizers, Does.Contain("sandbox.northflank.com/cleanup"));
        });

        await DeleteAsync("web");
        await WaitUntilGoneAsync("web");

        Assert.That(ServicesOnNorthflank(), Is.Empty);
        Assert.That(VolumesOnNorthflank(), Is.Empty);
    }

    [Test]
    public async Task Spec_changes_reach_Northflank_and_Ready_follows_the_new_generation()
    {
        await CreateAsync(NewSandbox("agent", s => s.Ports = [new SandboxPort { Name = "api", Port = 8000 }]));
        await WaitForConditionAsync("agent", ConditionTypes.Ready, "True");

        var updated = await UpdateSpecAsync("agent", s =>
        {
            s.Image = "python:3.13-slim";
            s.Plan = "nf-compute-50";
            s.Env = [new SandboxEnvVar { Name = "MODE", Value = "eval" }];
            s.Ports = [new SandboxPort { Name = "api", Port = 8001, Public = true }];
        });
        var ready = await WaitForConditionAsync("agent", ConditionTypes.Ready, "True", ReadyReasons.Available);

        var service = ServicesOnNorthflank().Single();
        Assert.Multiple(() =>
        {
            Assert.That(ready.Status!.ObservedGeneration, Is.EqualTo(updated.Metadata.Generation));
            Assert.That(service.ImagePath, Is.EqualTo("python:3.13-slim"));
            Assert.That(service.DeploymentPlan, Is.EqualTo("nf-compute-50"));
            Assert.That(service.EnvironmentNames, Is.EqualTo(new[] { "MODE" }));
            Assert.That(service.Ports.Single().InternalPort, Is.EqualTo(8001));
            Assert.That(ready.Status.Url, Does.StartWith("https://api--"));
        });
    }

    [Test]
    public async Task Operating_mode_pauses_and_resumes_the_service()
    {
        await CreateAsync(NewSandbox("worker"));
        await WaitForConditionAsync("worker", ConditionTypes.Ready, "True", ReadyReasons.Available);

        await UpdateSpecAsync("worker", s => s.OperatingMode = OperatingModes.Paused);
        var paused = await WaitForConditionAsync("worker", ConditionTypes.Ready, "True", ReadyReasons.Paused);
        Assert.That(ServicesOnNorthflank().Single().Paused, Is.True);
        Assert.That(paused.Status!.OperatingMode, Is.EqualTo(OperatingModes.Paused));

        await UpdateSpecAsync("worker", s => s.OperatingMode = OperatingModes.Running);
        await WaitForConditionAsync("worker", ConditionTypes.Ready, "True", ReadyReasons.Available);
        Assert.That(ServicesOnNorthflank().Single().Paused, Is.False);
        Assert.That(ServicesOnNorthflank().Single().Instances, Is.EqualTo(1));
    }

    [Test]
    public async Task Orphan_policy_leaves_the_service_on_Northflank()
    {
        await CreateAsync(NewSandbox("keep", s => s.DeletionPolicy = DeletionPolicies.Orphan));
        await WaitForConditionAsync("keep", ConditionTypes.Ready, "True");

        await DeleteAsync("keep");
        await WaitUntilGoneAsync("keep");

        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_failing_image_reports_deployment_failed_and_a_fixed_image_recovers()
    {
        await CreateAsync(NewSandbox("broken", s => s.Image = "registry.example/does-not-exist:1"));
        await WaitForConditionAsync("broken", ConditionTypes.Ready, "False", ReadyReasons.DeploymentFailed);

        await UpdateSpecAsync("broken", s => s.Image = "python:3.12-slim");
        await WaitForConditionAsync("broken", ConditionTypes.Ready, "True", ReadyReasons.Available);
        var events = await EventsForAsync("broken");
        Assert.That(events.Select(e => e.Reason), Does.Contain("DeploymentFailed").And.Contain("Created"));
    }

    [Test]
    public async Task Kubectl_apply_of_an_example_then_kubectl_wait_works_as_users_do_it()
    {
        var example = Path.Combine(RepositoryRoot.Path, "examples", "minimal.yaml");
        var kubeconfig = ControlPlane.AdminKubeconfigPath;

        var apply = await ToolRunner.RunAsync(Tools.Kubectl, ["apply", "-n", Namespace, "-f", example], kubeconfig);
        Assert.That(apply.Succeeded, Is.True, apply.Describe());
        var wait = await ToolRunner.RunAsync(Tools.Kubectl, ["wait", "-n", Namespace, "--for=condition=Ready", "sandbox/minimal", "--timeout=90s"], kubeconfig);
        Assert.That(wait.Succeeded, Is.True, wait.Describe() + "\n" + Operator.LogTail(30));

        var get = await ToolRunner.RunAsync(Tools.Kubectl, ["get", "sandboxes", "-n", Namespace], kubeconfig);
        TestContext.Out.WriteLine(get.StandardOutput);
        Assert.That(get.StandardOutput, Does.Contain("minimal").And.Contain("True").And.Contain("Available").And.Contain("Running"));
    }
}
