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
    public void Accepts_service_names_the_reference_allows(string name) => Assert.DoesNotThrow(() => Validation.ServiceName("name", name));

    [TestCase("ab")]
    [TestCase("A234567890123456789012345678901234567890123456789012345")]
    [TestCase("1sandbox")]
    [TestCase("sandbox-")]
    [TestCase("sand_box")]
    [TestCase("two  spaces")]
    [TestCase("trailing\n")]
    public void Refuses_service_names_outside_the_reference(string name) => Refused(() => Validation.ServiceName("name", name), "name");

    [Test]
    public void Project_and_volume_names_stop_at_39_characters()
    {
        var forty = "a" + new string('b', 39);
        Refused(() => Validation.ProjectName("name", forty), "name");
        Refused(() => Validation.VolumeName("name", forty), "name");
        Assert.DoesNotThrow(() => Validation.VolumeName("name", forty[..39]));
    }

    [TestCase("Sandbox ns/name, managed by the operator (v1): ok!")]
    [TestCase("multi\nline")]
    public void Accepts_descriptions_in_the_pattern(string description) =>
        Assert.DoesNotThrow(() => Validation.Description("description", description, Pages.PutService));

    [TestCase("a=b")]
    [TestCase("#hash")]
    [TestCase("mail@example")]
    [TestCase("<b>")]
    [TestCase("{x}")]
    [TestCase("a+b")]
    [TestCase("a|b")]
    [TestCase("")]
    public void Refuses_description_characters_outside_the_pattern(string description) =>
        Refused(() => Validation.Description("description", description, Pages.PutService), "description");

    [Test]
    public void Refuses_descriptions_over_200_characters() =>
        Refused(() => Validation.Description("description", new string('a', 201), Pages.PutService), "description");

    [Test]
    public void Tags_follow_the_pattern_and_must_be_the_teams()
    {
        Assert.DoesNotThrow(() => Validation.Tags("tags", ["gvisor", "spot-nodes"], SimulatorOptions.DefaultTeamTags, Pages.PutService));
        Refused(() => Validation.Tags("tags", ["gvisor", "owner=me"], ["gvisor", "owner=me"], Pages.PutService), "tags[1]");
        Refused(() => Validation.Tags("tags", ["ab"], ["ab"], Pages.PutService), "tags[0]");
        Refused(() => Validation.Tags("tags", ["gvisor", "unknown-tag"], SimulatorOptions.DefaultTeamTags, Pages.PutService), "tags[1]");
    }

    [Test]
    public void Plans_follow_the_pattern_and_must_exist()
    {
        Refused(() => Validation.Plan("billing.deploymentPlan", "nf compute", PlanCatalog.Default, Pages.PutService), "billing.deploymentPlan");
        Assert.That(() => Validation.Plan("billing.deploymentPlan", "nf-compute-9000", PlanCatalog.Default, Pages.PutService),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("billing.deploymentPlan: unknown deployment plan"));
    }

    [TestCase(-1)]
    [TestCase(101)]
    public void Refuses_instance_counts_out_of_range(int instances) =>
        Refused(() => Validation.Instances("deployment.instances", instances), "deployment.instances");

    [TestCase("nginx:1.27")]
    [TestCase("python:3.12-slim")]
    [TestCase("nginxinc/nginx-unprivileged:1.27")]
    [TestCase("ghcr.io/org/app@sha256:0123abcd")]
    [TestCase("https://registry.example.com/v1/team/app:1")]
    public void Accepts_image_paths_with_a_tag_or_digest(string imagePath) =>
        Assert.DoesNotThrow(() => ServiceValidation.ImagePath("deployment.external.imagePath", imagePath, Pages.PutService));

    [TestCase("nginx")]
    [TestCase("ghcr.io/org/app")]
    [TestCase("nginx:1 ")]
    [TestCase("nginx:1\n")]
    public void Refuses_image_paths_without_a_tag_or_digest(string imagePath) =>
        Refused(() => ServiceValidation.ImagePath("deployment.external.imagePath", imagePath, Pages.PutService), "deployment.external.imagePath");

    [TestCase("customEntrypoint", null, "x", "deployment.docker.customEntrypoint")]
    [TestCase("customEntrypointCustomCommand", "x", null, "deployment.docker.customCommand")]
    [TestCase("customCommand", null, null, "deployment.docker.customCommand")]
    [TestCase("entrypoint", "x", "x", "deployment.docker.configType")]
    public void Docker_config_types_need_their_custom_fields(string configType, string? entrypoint, string? command, string field) =>
        Refused(() => ServiceValidation.Docker("deployment.docker", new DockerSettings(configType, entrypoint, command), Pages.PutService), field);

    [TestCase(1023)]
    [TestCase(102401)]
    public void Refuses_ephemeral_storage_outside_the_chosen_range(int size) =>
        Refused(() => Service(new ServiceInput { EphemeralStorageSize = size }), "deployment.storage.ephemeralStorage.storageSize");

    [Test]
    public void Metadata_holds_labels_and_annotations_of_strings()
    {
        Assert.DoesNotThrow(() => Service(new ServiceInput { Metadata = JsonNode.Parse("""{"labels":{"a":"b"},"annotations":{}}""") }));
        Refused(() => Service(new ServiceInput { Metadata = JsonNode.Parse("""{"labels":{"a":1}}""") }), "deployment.metadata.labels.a");
        Refused(() => Service(new ServiceInput { Metadata = JsonNode.Parse("""{"tags":{}}""") }), "deployment.metadata.tags");
    }

    [Test]
    public void Credentials_and_volumes_to_attach_follow_their_patterns()
    {
        Refused(() => Service(new ServiceInput { Credentials = "team/creds" }), "deployment.external.credentials");
        Refused(() => Service(new ServiceInput { VolumesToAttach = ["ok-volume", "no"] }), "createOptions.volumesToAttach[1]");
    }

    [TestCase(299)]
    [TestCase(604801)]
    public void Expiry_time_is_between_five_minutes_and_seven_days(int seconds) =>
        Refused(() => Service(new ServiceInput { ExpirySeconds = seconds }), "createOptions.expiryTime");

    [TestCase("MY_VAR")]
    [TestCase("_private1")]
    public void Accepts_portable_environment_names(string name) =>
        Assert.DoesNotThrow(() => ServiceValidation.Environment("runtimeEnvironment", new Dictionary<string, string> { [name] = "v" }));

    [TestCase("1ST")]
    [TestCase("with.dot")]
    [TestCase("with-dash")]
    public void Refuses_other_environment_names(string name) =>
        Refused(() => ServiceValidation.Environment("runtimeEnvironment", new Dictionary<string, string> { [name] = "v" }), $"runtimeEnvironment.{name}");

    [Test]
    public void Object_references_need_an_id_and_the_service_type()
    {
        Refused(() => Validation.ObjectReference("nfObject", "a/b", "service", Pages.AttachVolume), "nfObject.id");
        Refused(() => Validation.ObjectReference("nfObject", "web", "addon", Pages.AttachVolume), "nfObject.type");
        Refused(() => Validation.ObjectReference("nfObject", "web", "job", Pages.AttachVolume), "nfObject.type");
    }
}
