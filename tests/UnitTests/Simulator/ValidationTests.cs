using System.Text.Json.Nodes;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>The reference's field rules, one by one, each refused with a 400 whose message starts with the field.</summary>
public sealed class ValidationTests
{
    private static readonly SimulatorOptions Options = new();

    private static void Refused(TestDelegate call, string field) =>
        Assert.That(call, Throws.TypeOf<ApiException>()
            .With.Property("Status").EqualTo(400)
            .And.Property("ErrorId").EqualTo("validation-failed")
            .And.Message.StartsWith($"{field}:"));

    private static void Service(ServiceInput input) => ServiceValidation.Validate(input, Options, Pages.PutService);

    [TestCase("abc")]
    [TestCase("Example Service")]
    [TestCase("sandbox-42")]
    [TestCase("A23456789012345678901234567890123456789012345678901234")]
    public void AcceptsServiceNamesTheReferenceAllows(string name) => Assert.DoesNotThrow(() => Validation.ServiceName("name", name));

    [TestCase("ab")]
    [TestCase("A234567890123456789012345678901234567890123456789012345")]
    [TestCase("1sandbox")]
    [TestCase("sandbox-")]
    [TestCase("sand_box")]
    [TestCase("two  spaces")]
    [TestCase("trailing\n")]
    public void RefusesServiceNamesOutsideTheReference(string name) => Refused(() => Validation.ServiceName("name", name), "name");

    [Test]
    public void ProjectAndVolumeNamesStopAt39Characters()
    {
        var forty = "a" + new string('b', 39);
        Refused(() => Validation.ProjectName("name", forty), "name");
        Refused(() => Validation.VolumeName("name", forty), "name");
        Assert.DoesNotThrow(() => Validation.VolumeName("name", forty[..39]));
    }

    [TestCase("Sandbox ns/name, managed by the operator (v1): ok!")]
    [TestCase("multi\nline")]
    public void AcceptsDescriptionsInThePattern(string description) =>
        Assert.DoesNotThrow(() => Validation.Description("description", description, Pages.PutService));

    [TestCase("a=b")]
    [TestCase("#hash")]
    [TestCase("mail@example")]
    [TestCase("<b>")]
    [TestCase("{x}")]
    [TestCase("a+b")]
    [TestCase("a|b")]
    [TestCase("")]
    public void RefusesDescriptionCharactersOutsideThePattern(string description) =>
        Refused(() => Validation.Description("description", description, Pages.PutService), "description");

    [Test]
    public void RefusesDescriptionsOver200Characters() =>
        Refused(() => Validation.Description("description", new string('a', 201), Pages.PutService), "description");

    [Test]
    public void TagsFollowThePatternAndMustBeTheTeams()
    {
        Assert.DoesNotThrow(() => Validation.Tags("tags", ["gvisor", "spot-nodes"], SimulatorOptions.DefaultTeamTags, Pages.PutService));
        Refused(() => Validation.Tags("tags", ["gvisor", "owner=me"], ["gvisor", "owner=me"], Pages.PutService), "tags[1]");
        Refused(() => Validation.Tags("tags", ["ab"], ["ab"], Pages.PutService), "tags[0]");
        Refused(() => Validation.Tags("tags", ["gvisor", "unknown-tag"], SimulatorOptions.DefaultTeamTags, Pages.PutService), "tags[1]");
    }

    [Test]
    public void PlansFollowThePatternAndMustExist()
    {
        Refused(() => Validation.Plan("billing.deploymentPlan", "nf compute", PlanCatalog.Default, Pages.PutService), "billing.deploymentPlan");
        Assert.That(() => Validation.Plan("billing.deploymentPlan", "nf-compute-9000", PlanCatalog.Default, Pages.PutService),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("billing.deploymentPlan: unknown deployment plan"));
    }

    [TestCase(-1)]
    [TestCase(101)]
    public void RefusesInstanceCountsOutOfRange(int instances) =>
        Refused(() => Validation.Instances("deployment.instances", instances), "deployment.instances");

    [TestCase("nginx:1.27")]
    [TestCase("python:3.12-slim")]
    [TestCase("nginxinc/nginx-unprivileged:1.27")]
    [TestCase("ghcr.io/org/app@sha256:0123abcd")]
    [TestCase("https://registry.example.com/v1/team/app:1")]
    public void AcceptsImagePathsWithATagOrDigest(string imagePath) =>
        Assert.DoesNotThrow(() => ServiceValidation.ImagePath("deployment.external.imagePath", imagePath, Pages.PutService));

    [TestCase("nginx")]
    [TestCase("ghcr.io/org/app")]
    [TestCase("nginx:1 ")]
    [TestCase("nginx:1\n")]
    public void RefusesImagePathsWithoutATagOrDigest(string imagePath) =>
        Refused(() => ServiceValidation.ImagePath("deployment.external.imagePath", imagePath, Pages.PutService), "deployment.external.imagePath");

    [TestCase("customEntrypoint", null, "x", "deployment.docker.customEntrypoint")]
    [TestCase("customEntrypointCustomCommand", "x", null, "deployment.docker.customCommand")]
    [TestCase("customCommand", null, null, "deployment.docker.customCommand")]
    [TestCase("entrypoint", "x", "x", "deployment.docker.configType")]
    public void DockerConfigTypesNeedTheirCustomFields(string configType, string? entrypoint, string? command, string field) =>
        Refused(() => ServiceValidation.Docker("deployment.docker", new DockerSettings(configType, entrypoint, command), Pages.PutService), field);

    [TestCase(1023)]
    [TestCase(102401)]
    public void RefusesEphemeralStorageOutsideTheChosenRange(int size) =>
        Refused(() => Service(new ServiceInput { EphemeralStorageSize = size }), "deployment.storage.ephemeralStorage.storageSize");

    [Test]
    public void MetadataHoldsLabelsAndAnnotationsOfStrings()
    {
        Assert.DoesNotThrow(() => Service(new ServiceInput { Metadata = JsonNode.Parse("""{"labels":{"a":"b"},"annotations":{}}""") }));
        Refused(() => Service(new ServiceInput { Metadata = JsonNode.Parse("""{"labels":{"a":1}}""") }), "deployment.metadata.labels.a");
        Refused(() => Service(new ServiceInput { Metadata = JsonNode.Parse("""{"tags":{}}""") }), "deployment.metadata.tags");
    }

    [Test]
    public void CredentialsAndVolumesToAttachFollowTheirPatterns()
    {
        Refused(() => Service(new ServiceInput { Credentials = "team/creds" }), "deployment.external.credentials");
        Refused(() => Service(new ServiceInput { VolumesToAttach = ["ok-volume", "no"] }), "createOptions.volumesToAttach[1]");
    }

    [TestCase(299)]
    [TestCase(604801)]
    public void ExpiryTimeIsBetweenFiveMinutesAndSevenDays(int seconds) =>
        Refused(() => Service(new ServiceInput { ExpirySeconds = seconds }), "createOptions.expiryTime");

    [TestCase("MY_VAR")]
    [TestCase("_private1")]
    public void AcceptsPortableEnvironmentNames(string name) =>
        Assert.DoesNotThrow(() => ServiceValidation.Environment("runtimeEnvironment", new Dictionary<string, string> { [name] = "v" }));

    [TestCase("1ST")]
    [TestCase("with.dot")]
    [TestCase("with-dash")]
    public void RefusesOtherEnvironmentNames(string name) =>
        Refused(() => ServiceValidation.Environment("runtimeEnvironment", new Dictionary<string, string> { [name] = "v" }), $"runtimeEnvironment.{name}");

    [Test]
    public void ObjectReferencesNeedAnIdAndTheServiceType()
    {
        Refused(() => Validation.ObjectReference("nfObject", "a/b", "service", Pages.AttachVolume), "nfObject.id");
        Refused(() => Validation.ObjectReference("nfObject", "web", "addon", Pages.AttachVolume), "nfObject.type");
        Refused(() => Validation.ObjectReference("nfObject", "web", "job", Pages.AttachVolume), "nfObject.type");
    }
}
