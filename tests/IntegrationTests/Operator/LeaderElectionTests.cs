using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

public class LeaderElectionTests : OperatorTest
{
    protected override bool StartOperatorInSetUp => false;

    [Test]
    public async Task Only_the_leader_reconciles_and_the_standby_takes_over_when_it_dies()
    {
        var first = StartOperator(leaderElection: true, kubeconfig: null, "--lease-namespace", Namespace);
        await CreateAsync(NewSandbox("one"));
        await WaitForConditionAsync("one", ConditionTypes.Ready, "True");
        var second = StartOperator(leaderElection: true, kubeconfig: null, "--lease-namespace", Namespace);
        await second.WaitForHealthAddressAsync(TimeSpan.FromSeconds(30));

        await CreateAsync(NewSandbox("two"));
        await WaitForConditionAsync("two", ConditionTypes.Ready, "True");
        Assert.That(second.ReadLog(), Does.Not.Contain("\"object\":\"" + Namespace + "/two\""), "the standby must not reconcile");
        Assert.That(first.ReadLog(), Does.Contain(Namespace + "/two"), "the leader reconciled");

        first.Kill();
        await CreateAsync(NewSandbox("three"));
        await WaitForConditionAsync("three", ConditionTypes.Ready, "True", timeout: TimeSpan.FromSeconds(90));
        Assert.That(second.ReadLog(), Does.Contain(Namespace + "/three"));
        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(3));
    }
}
