using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>What the drift check of a settled Sandbox finds on Northflank, and says in the update it makes.</summary>
public class SandboxDriftTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);

    private static (Sandbox Sandbox, DesiredState Desired) Applied()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Ports =
        [
            new SandboxPort { Name = "web", Port = 8080, Protocol = PortProtocols.Http, Public = true },
            new SandboxPort { Name = "admin", Port = 9090, Protocol = PortProtocols.Http },
        ]);
        var desired = DesiredState.Build(sandbox, DesiredStateTests.Inputs(), "prod", Now);
        sandbox.Status = new SandboxStatus { AppliedSpecHash = desired.SpecHash, ServiceId = desired.ServiceName };
        return (sandbox, desired);
    }

    [Test]
    public void A_service_as_the_spec_asks_with_several_ports_is_no_drift()
    {
        var (sandbox, desired) = Applied();

        Assert.That(SandboxPlanner.WhyUpdate(sandbox, desired, SandboxPlannerTests.ServiceFor(desired)), Is.Null);
    }

    [Test]
    public void Every_setting_changed_on_Northflank_is_named_in_the_update()
    {
        var (sandbox, desired) = Applied();
        var service = SandboxPlannerTests.ServiceFor(desired) with
        {
            Billing = new BillingSpec { DeploymentPlan = "nf-compute-400" },
            Deployment = new ServiceDeployment { Instances = 3, External = new ExternalImage { ImagePath = "other/image:1" } },
            Ports = [],
        };

        Assert.That(SandboxPlanner.WhyUpdate(sandbox, desired, service), Is.EqualTo("drift on Northflank (image, plan, instances, ports)"));
    }

    [TestCase("name")]
    [TestCase("port")]
    [TestCase("protocol")]
    [TestCase("public")]
    [TestCase("extra")]
    public void A_port_changed_on_Northflank_in_any_way_is_drift(string change)
    {
        var (sandbox, desired) = Applied();
        var service = SandboxPlannerTests.ServiceFor(desired);
        var web = service.Ports![0];
        ServicePort changed = change switch
        {
            "name" => web with { Name = "www" },
            "port" => web with { InternalPort = 8081 },
            "protocol" => web with { Protocol = "TCP" },
            "public" => web with { Public = false },
            _ => web,
        };
        List<ServicePort> ports = change == "extra" ? [.. service.Ports, web with { Name = "debug", InternalPort = 5678 }] : [changed, service.Ports[1]];

        Assert.That(SandboxPlanner.WhyUpdate(sandbox, desired, service with { Ports = ports }), Is.EqualTo("drift on Northflank (ports)"));
    }

    [Test]
    public void A_paused_service_scaled_to_zero_is_not_instance_drift()
    {
        var (sandbox, desired) = Applied();

        Assert.That(SandboxPlanner.WhyUpdate(sandbox, desired, SandboxPlannerTests.ServiceFor(desired, paused: true)), Is.Null);
    }
}
