using k8s;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// Private images: Northflank verifies an external image when a service is created or changed and answers "400
/// Unable to verify external image" (create-deployment-service.md) when it cannot pull it; saved registry
/// credentials (deployment.external.credentials) let it, and a config says which of the team's its Sandboxes may name.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class PrivateImageTests : OperatorTest
{
    private const string PrivateImage = "registry.private.example/acme/agent:1.0";
    private const string Config = "private-images";

    protected override void ConfigureSimulator(SimulatorOptions options) => options.RegistryCredentials = ["acme-registry", "other-team-registry"];

    [Test]
    public async Task A_private_image_without_credentials_is_not_synced_and_says_which_image()
    {
        ExpectNorthflankRejection("deployment.external.imagePath");
        await CreateAsync(NewSandbox("secretive", s => s.Image = PrivateImage));

        var sandbox = await WaitForConditionAsync("secretive", ConditionTypes.Synced, "False", SyncedReasons.ImageNotVerified);

        var synced = sandbox.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced);
        Assert.Multiple(() =>
        {
            Assert.That(synced.Message, Does.Contain(PrivateImage).And.Contain("without registry credentials"));
            Assert.That(ServicesOnNorthflank(), Is.Empty);
        });
    }

    [Test]
    public async Task A_private_image_with_credentials_the_config_allows_becomes_ready()
    {
        await CreateConfigAsync();
        await CreateAsync(NewSandbox("trusted", s =>
        {
            s.Image = PrivateImage;
            s.ImageCredentials = "acme-registry";
            s.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = Config };
        }));

        await WaitForConditionAsync("trusted", ConditionTypes.Ready, "True", ReadyReasons.Available);

        Assert.That(ServicesOnNorthflank().Single().ImagePath, Does.Contain("acme/agent:1.0"));
    }

    [Test]
    public async Task Credentials_the_config_does_not_allow_are_refused_before_any_call()
    {
        await CreateConfigAsync();
        await CreateAsync(NewSandbox("borrower", s =>
        {
            s.Image = PrivateImage;
            s.ImageCredentials = "other-team-registry";
            s.ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = Config };
        }));

        var sandbox = await WaitForConditionAsync("borrower", ConditionTypes.Synced, "False", SyncedReasons.ImageCredentialsNotAllowed);

        Assert.Multiple(() =>
        {
            Assert.That(sandbox.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Synced).Message, Does.Contain("other-team-registry"));
            Assert.That(Simulator.GetRequests().Where(r => r.Method is "POST" or "PUT" or "PATCH"), Is.Empty, "no write reached Northflank");
        });
    }

    private async Task CreateConfigAsync()
    {
        using var client = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false);
        await client.CreateNamespacedAsync(
            new NorthflankConfig
            {
                Metadata = new V1ObjectMeta { Name = Config },
                Spec = new NamespacedNorthflankConfigSpec
                {
                    Projects = [Project],
                    CredentialsSecretRef = new SecretKeySelector { Name = SecretName },
                    ImageCredentials = ["acme-registry"],
                },
            },
            Namespace);
    }
}
