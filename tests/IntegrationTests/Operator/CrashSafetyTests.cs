using k8s;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>The faults that make naive operators create duplicates or leak: a crash mid-create, lost write answers.</summary>
[Parallelizable(ParallelScope.All)]
public class CrashSafetyTests : OperatorTest
{
    [Test]
    public async Task Operator_killed_between_Northflank_create_and_status_write_makes_exactly_one_service()
    {
        // Hold the answer of the first POST (the create) long after applying it, and kill the operator meanwhile.
        Simulator.UpdateFaults(f =>
        {
            f.WriteMethod = "POST";
            f.HoldAfterWrite = TimeSpan.FromSeconds(60);
            f.HoldNextWrites = 1;
        });
        await CreateAsync(NewSandbox("crash"));
        await Poll.UntilAsync(_ => Task.FromResult(Simulator.HeldResponses == 1), TimeSpan.FromSeconds(30), "the create to be applied and its answer held");
        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(1));
        Operator.Kill();
        Assert.That((await GetAsync("crash"))!.Status?.ServiceId, Is.Null, "the status write must not have happened yet");

        Simulator.UpdateFaults(f => f.HoldNextWrites = 0);
        StartOperator();
        await WaitForConditionAsync("crash", ConditionTypes.Ready, "True");

        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(1));
        await DeleteAsync("crash");
        await WaitUntilGoneAsync("crash");
        Assert.That(ServicesOnNorthflank(), Is.Empty, "the service created before the crash is deleted with the Sandbox");
    }

    [Test]
    public async Task Writes_applied_but_answered_with_errors_still_make_exactly_one_service_and_volume()
    {
        Simulator.UpdateFaults(f => f.FailNextWrites = 4);
        await CreateAsync(NewSandbox("flaky", s => s.Volume = new SandboxVolume { SizeMB = 1024, MountPath = "/data" }));

        await WaitForConditionAsync("flaky", ConditionTypes.Ready, "True", timeout: TimeSpan.FromSeconds(90));

        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(1));
        Assert.That(VolumesOnNorthflank(), Has.Count.EqualTo(1));
        Assert.That(Simulator.GetRequests().Count(r => r.Fault is not null), Is.GreaterThanOrEqualTo(4), "the faults must really have fired");
    }

    [Test]
    public async Task Deleting_the_namespace_deletes_its_sandboxes_services_on_Northflank()
    {
        await CreateAsync(NewSandbox("ns-a"));
        await CreateAsync(NewSandbox("ns-b", s => s.Volume = new SandboxVolume { SizeMB = 1024, MountPath = "/w" }));
        await WaitForConditionAsync("ns-a", ConditionTypes.Ready, "True");
        await WaitForConditionAsync("ns-b", ConditionTypes.Ready, "True");

        // The namespace's credentials Secret goes at once; the Sandboxes wait for their finalizers.
        await Admin.CoreV1.DeleteNamespaceAsync(Namespace);

        await Poll.UntilAsync(_ => Task.FromResult(ServicesOnNorthflank().Count == 0 && VolumesOnNorthflank().Count == 0), TimeSpan.FromSeconds(90), "Northflank to be empty");
        await Poll.UntilAsync(async ct => (await Admin.CoreV1.ListNamespaceAsync(cancellationToken: ct)).Items.All(n => n.Metadata.Name != Namespace), TimeSpan.FromSeconds(90), "the namespace to be gone");
    }
}
