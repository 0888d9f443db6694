using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// A shared cluster read as an attacker would: a tenant with rights in its own namespace only, one operator holding the
/// Northflank token. Whatever the tenant writes (spec, annotation), it reaches no other tenant's service and no project
/// its config does not allow, and the victim's service is untouched (the simulator's request log says so).
/// </summary>
[Parallelizable(ParallelScope.All)]
public class TenancyTests : TenantTest
{
    [Test]
    public async Task A_tenant_cannot_reach_another_tenants_service_or_a_project_its_config_does_not_allow()
    {
        var victimNamespace = await ControlPlane.CreateNamespaceAsync("team-b");
        var adminNamespace = await ControlPlane.CreateNamespaceAsync("nf-admin");
        await CreateTokenSecretAsync(adminNamespace, "nf-token");
        var shared = await CreateClusterConfigAsync("shared", adminNamespace, adoption: AdoptionPolicies.Allowed);
        var teamBOnly = await CreateClusterConfigAsync("team-b-only", adminNamespace, namespaces: [victimNamespace]);
        await CreateNamespacedConfigAsync(victimNamespace, "team-b-config");
        StartOperator(extraArguments: ["--namespaces", $"{Namespace},{victimNamespace}", "--default-config", shared]);

        var victim = await Sandboxes.CreateNamespacedAsync(NewSandbox("victim"), victimNamespace);
        await Poll.UntilAsync(async _ => (await ReadAsync(victimNamespace, "victim"))?.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true, TimeSpan.FromSeconds(60), "victim Ready");
        var victimService = SandboxNaming.ServiceName(victim);
        var before = ServicesOnNorthflank().Single(s => s.Id == victimService);

        using var tenant = await TenantClientAsync();
        var tenantSandboxes = new GenericClient(tenant, Sandbox.Group, Sandbox.Version, Sandbox.Plural, disposeClient: false);
        await tenantSandboxes.CreateNamespacedAsync(Annotated(NewSandbox("takeover"), victimService), Namespace);
        await tenantSandboxes.CreateNamespacedAsync(NewSandbox("elsewhere", s => s.ProjectId = OtherProject), Namespace);
        await tenantSandboxes.CreateNamespacedAsync(NewSandbox("borrowed", s => s.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "team-b-config" }), Namespace);
        await tenantSandboxes.CreateNamespacedAsync(NewSandbox("notmine", s => s.ConfigRef = new ConfigReference { Name = teamBOnly }), Namespace);
        await tenantSandboxes.CreateNamespacedAsync(Annotated(NewSandbox("traversal"), "../services/" + victimService), Namespace);

        await WaitForConditionAsync("takeover", ConditionTypes.Synced, "False", SyncedReasons.AdoptionRefused);
        await WaitForConditionAsync("elsewhere", ConditionTypes.Synced, "False", SyncedReasons.ProjectNotAllowed);
        await WaitForConditionAsync("borrowed", ConditionTypes.Synced, "False", SyncedReasons.ConfigNotFound);
        await WaitForConditionAsync("notmine", ConditionTypes.Synced, "False", SyncedReasons.ConfigNotAllowed);
        var traversal = await WaitForConditionAsync("traversal", ConditionTypes.Synced, "False", SyncedReasons.InvalidSpec);
        Assert.That(traversal.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain(SandboxAnnotations.ExternalName));

        // Deleting them all (a delete is where a forged target would do harm) must leave the victim's service as it was.
        foreach (var name in new[] { "takeover", "elsewhere", "borrowed", "notmine", "traversal" })
        {
            await tenantSandboxes.DeleteNamespacedAsync<Sandbox>(Namespace, name);
        }

        foreach (var name in new[] { "takeover", "elsewhere", "borrowed", "notmine", "traversal" })
        {
            await WaitUntilGoneAsync(name);
        }

        var touched = Simulator.GetRequests()
            .Where(r => r.Method != "GET" && r.Path.Contains(victimService, StringComparison.Ordinal) || r.Path.Contains("..", StringComparison.Ordinal))
            .Select(r => $"{r.Method} {r.Path}")
            .ToList();
        var after = ServicesOnNorthflank().Single(s => s.Id == victimService);
        Assert.Multiple(() =>
        {
            Assert.That(touched, Is.Empty, "no write to the victim's service, and no path built from the tenant's annotation");
            Assert.That(after.DeploymentCount, Is.EqualTo(before.DeploymentCount));
            Assert.That(after.Description, Is.EqualTo(before.Description));
            Assert.That(ServicesOnNorthflank().Where(s => s.ProjectId == OtherProject), Is.Empty, "nothing was made in a project the config does not allow");
        });
    }

    [Test]
    public async Task Adoption_needs_a_config_that_allows_it_and_leaves_the_service_behind_unless_told_otherwise()
    {
        using var api = new SimulatorApi(Simulator);
        await api.CreateForeignServiceAsync(Project, "legacy-agent");
        await api.CreateForeignServiceAsync(Project, "legacy-batch");
        StartOperator();
        await CreateAsync(Annotated(NewSandbox("refused"), "legacy-agent"));
        await WaitForConditionAsync("refused", ConditionTypes.Synced, "False", SyncedReasons.AdoptionRefused);
        Assert.That(Simulator.GetRequests().Where(r => r.Method != "GET" && r.Path.Contains("legacy", StringComparison.Ordinal)), Is.Empty);
        await DeleteAsync("refused");
        await WaitUntilGoneAsync("refused");

        await Operator.StopAsync();
        StartOperator(extraArguments: ["--allow-adoption", "true"]);
        await CreateAsync(Annotated(NewSandbox("kept"), "legacy-agent"));
        await CreateAsync(Annotated(NewSandbox("deleted", s => s.DeletionPolicy = DeletionPolicies.Delete), "legacy-batch"));
        var kept = await WaitForConditionAsync("kept", ConditionTypes.Ready, "True");
        await WaitForConditionAsync("deleted", ConditionTypes.Ready, "True");

        Assert.That(kept.Status!.ServiceId, Is.EqualTo("legacy-agent"));
        Assert.That(ServicesOnNorthflank().Single(s => s.Id == "legacy-agent").ImagePath, Is.EqualTo("python:3.12-slim"), "brought to the Sandbox's spec");
        Assert.That(ServicesOnNorthflank().Single(s => s.Id == "legacy-agent").Description, Does.StartWith("Managed by northflank-sandbox-operator"), "marked as this Sandbox's");
        await DeleteAsync("kept");
        await DeleteAsync("deleted");
        await WaitUntilGoneAsync("kept");
        await WaitUntilGoneAsync("deleted");
        Assert.That(ServicesOnNorthflank().Select(s => s.Id), Is.EqualTo(new[] { "legacy-agent" }), "an adopted service is left unless deletionPolicy says Delete");
    }

    [Test]
    public async Task A_service_carrying_another_Sandboxs_marker_is_never_adopted()
    {
        StartOperator(extraArguments: ["--allow-adoption", "true"]);
        var owner = await CreateAsync(NewSandbox("owner"));
        await WaitForConditionAsync("owner", ConditionTypes.Ready, "True");
        var service = SandboxNaming.ServiceName(owner);

        await CreateAsync(Annotated(NewSandbox("thief"), service));
        await WaitForConditionAsync("thief", ConditionTypes.Synced, "False", SyncedReasons.AdoptionRefused);
        await DeleteAsync("thief");
        await WaitUntilGoneAsync("thief");

        Assert.That(ServicesOnNorthflank().Single().DeploymentCount, Is.EqualTo(1), "the owner's service was never changed");
        await WaitForConditionAsync("owner", ConditionTypes.Ready, "True");
    }

    [Test]
    public async Task A_config_says_whether_its_token_answers_and_which_projects_it_sees()
    {
        var adminNamespace = await ControlPlane.CreateNamespaceAsync("nf-admin");
        await CreateTokenSecretAsync(adminNamespace, "nf-token");
        var good = await CreateClusterConfigAsync("good", adminNamespace);
        var unseen = await CreateClusterConfigAsync("unseen", adminNamespace, projects: [Project, "not-on-northflank"]);
        var tokenless = await CreateClusterConfigAsync("tokenless", "no-such-namespace");
        StartOperator();

        var goodStatus = await WaitForConfigAsync(good, "True");
        var unseenStatus = await WaitForConfigAsync(unseen, "False");
        var tokenlessStatus = await WaitForConfigAsync(tokenless, "False");

        Assert.Multiple(() =>
        {
            Assert.That(goodStatus.Projects, Is.EqualTo(new[] { Project }));
            Assert.That(unseenStatus.Conditions!.Single().Reason, Is.EqualTo(ConfigReasons.ProjectsNotVisible));
            Assert.That(unseenStatus.Conditions!.Single().Message, Does.Contain("not-on-northflank"));
            Assert.That(tokenlessStatus.Conditions!.Single().Reason, Is.EqualTo(ConfigReasons.CredentialsNotFound));
        });
    }
}
