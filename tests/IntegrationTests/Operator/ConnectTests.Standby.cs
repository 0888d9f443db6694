using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// With leader election, the connect Service sends sessions to any replica, and only the leader runs the controllers
/// and their caches. A standby must serve a session all the same, through the NorthflankConfig the Sandbox's status
/// records (read for the session, since its caches of configs are empty).
/// </summary>
public sealed partial class ConnectTests
{
    private const string TenantConfig = "team-config";

    [Test]
    public async Task A_standby_replica_serves_exec_and_logs_through_a_config_its_caches_do_not_hold()
    {
        await using var site = await ConnectSite.OpenAsync(this);
        using (var configs = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false))
        {
            await configs.CreateNamespacedAsync(
                new NorthflankConfig
                {
                    Metadata = new V1ObjectMeta { Name = TenantConfig },
                    Spec = new NamespacedNorthflankConfigSpec { Projects = [Project], CredentialsSecretRef = new SecretKeySelector { Name = SecretName } },
                },
                Namespace);
        }

        StartConnectOperator(site, leaderElection: true);
        var leader = connectOperators[^1];
        await CreateAsync(NewSandbox("agent", spec => spec.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = TenantConfig }));
        var ready = await WaitForConditionAsync("agent", "Ready", "True");
        Assert.That(ready.Status?.Config?.Kind, Is.EqualTo(NorthflankConfig.EntityKind), "the config is recorded, and sessions go through it");
        var standbyPort = StartConnectOperator(site, leaderElection: true);
        var standby = connectOperators[^1];
        await standby.WaitForHealthAddressAsync(TimeSpan.FromSeconds(30));

        // The APIService routes to the standby alone.
        await AsAliceAsync(site, standbyPort, "agent", async (alice, kubeconfig) =>
        {
            var exec = await PluginAsync(kubeconfig, null, "exec", "agent", "--", "sh", "-c", "echo served-by-standby; exit 4");
            var logs = await PluginAsync(kubeconfig, null, "logs", "agent", "--tail", "5");
            TestContext.Out.WriteLine($"{exec.Describe()}\n{logs.Describe()}");
            Assert.Multiple(() =>
            {
                Assert.That(exec.ExitCode, Is.EqualTo(4), exec.Describe());
                Assert.That(exec.Output, Does.Contain("served-by-standby"), exec.Describe());
                Assert.That(logs.ExitCode, Is.Zero, logs.Describe());
                Assert.That(logs.Output.Trim(), Is.Not.Empty, logs.Describe());
                Assert.That(standby.ReadLog(), Does.Not.Contain("Became leader"), "the session was served by a standby");
                Assert.That(standby.ReadLog(), Does.Contain($"{alice.UserName} started an exec"));
                Assert.That(leader.ReadLog(), Does.Not.Contain("started an exec"));
            });
            AssertNoToken(exec.Output + exec.Error + logs.Output + logs.Error);
        });
    }
}
