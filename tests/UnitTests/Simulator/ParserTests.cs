using System.Text.Json.Nodes;
using NorthflankSimulator.Api;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>Request bodies: required fields, and fields the simulator does not model or the reference does not list.</summary>
public sealed class ParserTests
{
    private static JsonObject Body(string extra = "") => JsonNode.Parse($$"""
        {
          "name": "Web App",
          "billing": { "deploymentPlan": "nf-compute-20" },
          "deployment": { "instances": 1, "external": { "imagePath": "nginx:1" } }{{extra}}
        }
        """)!.AsObject();

    private static void Refused(TestDelegate call, string field, string messagePart) =>
        Assert.That(call, Throws.TypeOf<ApiException>()
            .With.Property("Status").EqualTo(400).And.Message.StartsWith($"{field}:").And.Message.Contains(messagePart));

    [Test]
    public void Parses_a_full_body()
    {
        var input = ServiceParsers.Parse(Body(""", "createOptions": { "expiryTime": 600, "volumesToAttach": ["data"] }"""), ServiceBody.Put);

        Assert.That(input, Has.Property("Name").EqualTo("Web App").And.Property("Instances").EqualTo(1).And.Property("ExpirySeconds").EqualTo(600));
        Assert.That(input.VolumesToAttach, Is.EqualTo(new[] { "data" }));
    }

    [TestCase(""", "healthChecks": []""", "healthChecks")]
    [TestCase(""", "autoscaling": {}""", "autoscaling")]
    [TestCase(""", "runtimeFiles": {}""", "runtimeFiles")]
    [TestCase(""", "billing": { "deploymentPlan": "nf-compute-20", "gpu": {} }""", "billing.gpu")]
    public void Refuses_reference_fields_the_simulator_does_not_model(string extra, string field)
    {
        var body = Body();
        foreach (var (name, value) in JsonNode.Parse("{" + extra.TrimStart(',') + "}")!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        Refused(() => ServiceParsers.Parse(body, ServiceBody.Create), field, "not supported by the simulator");
    }

    [TestCase("internal", "deployment.internal")]
    [TestCase("strategy", "deployment.strategy")]
    public void Refuses_unmodelled_deployment_fields(string name, string field)
    {
        var body = Body();
        body["deployment"]![name] = new JsonObject();

        Refused(() => ServiceParsers.Parse(body, ServiceBody.Put), field, "not supported by the simulator");
    }

    [Test]
    public void Refuses_fields_the_reference_does_not_list()
    {
        var body = Body(""", "colour": "red" """);
        body["ports"] = JsonNode.Parse("""[{ "id": "p-1", "name": "p", "internalPort": 80, "protocol": "TCP" }]""");

        Refused(() => ServiceParsers.Parse(body, ServiceBody.Put), "colour", "not a field of this request");
        body.Remove("colour");
        Refused(() => ServiceParsers.Parse(body, ServiceBody.Put), "ports[0].id", "not a field of this request");
    }

    [Test]
    public void Patch_takes_no_name_and_no_create_options()
    {
        Refused(() => ServiceParsers.Parse(JsonNode.Parse("""{ "name": "x" }""")!.AsObject(), ServiceBody.Patch), "name", "not a field");
        Refused(() => ServiceParsers.Parse(JsonNode.Parse("""{ "createOptions": {} }""")!.AsObject(), ServiceBody.Patch), "createOptions", "not a field");
    }

    [Test]
    public void Deployment_instances_is_required_whenever_deployment_is_given_even_on_patch()
    {
        var patch = JsonNode.Parse("""{ "deployment": { "external": { "imagePath": "nginx:2" } } }""")!.AsObject();

        Refused(() => ServiceParsers.Parse(patch, ServiceBody.Patch), "deployment.instances", "is required");
        Assert.That(ServiceParsers.Parse(JsonNode.Parse("""{ "tags": [] }""")!.AsObject(), ServiceBody.Patch).Instances, Is.Null);
    }

    [TestCase("name")]
    [TestCase("billing")]
    [TestCase("deployment")]
    public void Create_needs_name_billing_and_deployment(string field)
    {
        var body = Body();
        body.Remove(field);

        Refused(() => ServiceParsers.Parse(body, ServiceBody.Create), field, "is required");
    }

    [Test]
    public void Inline_credentials_are_not_supported()
    {
        var body = Body();
        body["deployment"]!["external"]!["credentials"] = new JsonObject { ["username"] = "u" };

        Refused(() => ServiceParsers.Parse(body, ServiceBody.Put), "deployment.external.credentials", "not supported by the simulator");
    }

    [Test]
    public void Volume_bodies_refuse_source_and_jobs()
    {
        var volume = JsonNode.Parse("""{ "name": "data", "spec": { "accessMode": "ReadWriteOnce", "storageSize": 1024 } }""")!.AsObject();
        Assert.That(RequestParsers.Volume(volume).Mounts, Is.Empty);

        volume["source"] = new JsonObject { ["type"] = "volume", ["sourceId"] = "other" };
        Refused(() => RequestParsers.Volume(volume), "source", "not supported by the simulator");
        volume.Remove("source");
        volume["owningObject"] = new JsonObject { ["id"] = "nightly", ["type"] = "job" };
        Refused(() => RequestParsers.Volume(volume), "owningObject.type", "not supported by the simulator");
    }
}
