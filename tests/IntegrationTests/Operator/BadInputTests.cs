using k8s.Autorest;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace IntegrationTests.Operator;

/// <summary>A broken spec gets a clear Synced=False message, nothing is created, and nothing is lost.</summary>
[Parallelizable(ParallelScope.All)]
public class BadInputTests : OperatorTest
{
    [Test]
    public async Task Missing_credentials_secret_is_named_and_nothing_is_created()
    {
        await CreateAsync(NewSandbox("nocreds", s => s.CredentialsSecretRef = new SecretKeySelector { Name = "absent" }));

        var sandbox = await WaitForConditionAsync("nocreds", ConditionTypes.Synced, "False", SyncedReasons.CredentialsNotFound);

        Assert.That(sandbox.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain($"{Namespace}/absent"));
        Assert.That(ServicesOnNorthflank(), Is.Empty);
        Assert.That((await EventsForAsync("nocreds")).Select(e => (e.Type, e.Reason)), Does.Contain(("Warning", SyncedReasons.CredentialsNotFound)));

        // Fixing the reference (a spec change) recovers without waiting for the slow retry.
        await UpdateSpecAsync("nocreds", s => s.CredentialsSecretRef = new SecretKeySelector { Name = SecretName });
        await WaitForConditionAsync("nocreds", ConditionTypes.Ready, "True");
    }

    [Test]
    public async Task Unknown_plan_carries_Northflank_message_and_creates_nothing()
    {
        ExpectNorthflankRejection("billing.deploymentPlan");
        await CreateAsync(NewSandbox("bigplan", s => s.Plan = "nf-compute-9999"));

        var sandbox = await WaitForConditionAsync("bigplan", ConditionTypes.Synced, "False", SyncedReasons.NorthflankRejected);

        Assert.That(sandbox.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain("400").And.Contain("nf-compute-9999"));
        Assert.That(ServicesOnNorthflank(), Is.Empty);
    }

    [Test]
    public async Task Duplicate_port_number_is_refused_by_the_operator_and_duplicate_name_by_the_API_server()
    {
        await CreateAsync(NewSandbox("dupport", s => s.Ports = [new SandboxPort { Name = "a", Port = 80 }, new SandboxPort { Name = "b", Port = 80 }]));
        var sandbox = await WaitForConditionAsync("dupport", ConditionTypes.Synced, "False", SyncedReasons.InvalidSpec);
        Assert.That(sandbox.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain("spec.ports[1].port: duplicate port number 80"));
        Assert.That(ServicesOnNorthflank(), Is.Empty);

        var rejected = Assert.ThrowsAsync<HttpOperationException>(() => CreateAsync(NewSandbox("dupname", s => s.Ports = [new SandboxPort { Name = "a", Port = 80 }, new SandboxPort { Name = "a", Port = 81 }])));
        Assert.That(rejected!.Response.Content, Does.Contain("spec.ports[1]").And.Contain("Duplicate value"));
    }

    [Test]
    public async Task Missing_image_is_refused_by_the_operator_and_unknown_mode_by_the_schema_with_the_field_named()
    {
        // image may come from a SandboxTemplate, so the schema cannot require it: the operator refuses a Sandbox with neither.
        await CreateAsync(NewSandbox("noimage", s => s.Image = null));
        var badMode = Assert.ThrowsAsync<HttpOperationException>(() => CreateAsync(NewSandbox("badmode", s => s.OperatingMode = "Sleeping")));

        var noImage = await WaitForConditionAsync("noimage", ConditionTypes.Synced, "False", SyncedReasons.InvalidSpec);
        Assert.That(noImage.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain("spec.image is required"));
        Assert.That(badMode!.Response.Content, Does.Contain("spec.operatingMode").And.Contain("Sleeping"));
        Assert.That(ServicesOnNorthflank(), Is.Empty);
    }

    [Test]
    public async Task Schema_refuses_what_Northflank_would_refuse_naming_the_field()
    {
        async Task<string> Refusal(string name, Action<SandboxSpec> configure) =>
            Assert.ThrowsAsync<HttpOperationException>(() => CreateAsync(NewSandbox(name, configure)))!.Response.Content;

        var longPortName = await Refusal("longport", s => s.Ports = [new SandboxPort { Name = "metrics-http", Port = 9090 }]);
        var publicTcp = await Refusal("publictcp", s => s.Ports = [new SandboxPort { Name = "db", Port = 5432, Protocol = PortProtocols.Tcp, Public = true }]);
        var untagged = await Refusal("untagged", s => s.Image = "nginx");
        var badTag = await Refusal("badtag", s => s.Tags = ["managed-by=operator"]);

        Assert.Multiple(() =>
        {
            // Kubernetes 1.20 names list items without their index.
            Assert.That(longPortName, Does.Contain("spec.ports.name").And.Contain("at most 8 chars"));
            Assert.That(publicTcp, Does.Contain("spec.ports").And.Contain("public").And.Contain("HTTP2"));
            Assert.That(untagged, Does.Contain("spec.image").And.Contain("should match"));
            Assert.That(badTag, Does.Contain("spec.tags").And.Contain("should match"));
            Assert.That(ServicesOnNorthflank(), Is.Empty);
        });
    }

    [Test]
    public async Task A_tag_the_team_does_not_have_is_refused_by_Northflank_with_the_field_named()
    {
        ExpectNorthflankRejection("tags[0]");
        await CreateAsync(NewSandbox("oddtag", s => s.Tags = ["not-a-team-tag"]));

        var sandbox = await WaitForConditionAsync("oddtag", ConditionTypes.Synced, "False", SyncedReasons.NorthflankRejected);

        Assert.That(sandbox.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain("tags[0]"));
        Assert.That(ServicesOnNorthflank(), Is.Empty);
    }

    [Test]
    public async Task Same_named_service_owned_by_someone_else_is_never_overwritten()
    {
        Operator.Kill();
        var sandbox = await CreateAsync(NewSandbox("taken"));
        using var api = new SimulatorApi(Simulator);
        await api.CreateForeignServiceAsync(Project, SandboxNaming.ServiceName(sandbox));
        StartOperator();

        var rejected = await WaitForConditionAsync("taken", ConditionTypes.Synced, "False", SyncedReasons.NameConflict);

        Assert.That(rejected.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain(SandboxAnnotations.ExternalName));
        var foreign = ServicesOnNorthflank().Single();
        Assert.That(foreign.ImagePath, Is.EqualTo("nginx:1.27"), "the foreign service keeps its own spec");

        await DeleteAsync("taken");
        await WaitUntilGoneAsync("taken");
        Assert.That(ServicesOnNorthflank(), Has.Count.EqualTo(1), "deleting the Sandbox must not delete a service it does not own");
    }
}
