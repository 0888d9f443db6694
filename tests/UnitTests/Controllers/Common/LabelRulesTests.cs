using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using k8s.Autorest;
using SandboxOperator.Api.Crds;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;

namespace UnitTests.Controllers.Common;

/// <summary>Label keys and values as Kubernetes allows them, in the operator's check and in the claim's schema.</summary>
public sealed class LabelRulesTests
{
    [TestCase("team")]
    [TestCase("a")]
    [TestCase("app.kubernetes.io/name")]
    [TestCase("example.com/Under_score.dot-dash")]
    [TestCase("x/1")]
    public void Keys_kubernetes_accepts_pass(string key) => Assert.That(LabelRules.KeyProblem(key), Is.Null);

    [TestCase("bad label!", "name must be")]
    [TestCase("-team", "name must be")]
    [TestCase("team-", "name must be")]
    [TestCase("", "has no name")]
    [TestCase("example.com/", "has no name")]
    [TestCase("/team", "has an empty prefix")]
    [TestCase("a/b/c", "one '/' only")]
    [TestCase("Example.com/team", "prefix must be a DNS subdomain")]
    [TestCase("ex_ample.com/team", "prefix must be a DNS subdomain")]
    [TestCase("team\n", "name must be")]
    public void Keys_kubernetes_refuses_are_refused_saying_which_part(string key, string problem) =>
        Assert.That(LabelRules.KeyProblem(key), Does.Contain(problem));

    [Test]
    public void Key_parts_are_limited_to_63_and_253_characters()
    {
        var name63 = new string('n', 63);
        var prefix253 = string.Join('.', Enumerable.Repeat(new string('p', 63), 4))[..253];

        Assert.Multiple(() =>
        {
            Assert.That(LabelRules.KeyProblem(name63), Is.Null);
            Assert.That(LabelRules.KeyProblem(name63 + "n"), Does.Contain("name must be at most 63"));
            Assert.That(LabelRules.KeyProblem($"{prefix253}/x"), Is.Null);
            Assert.That(LabelRules.KeyProblem($"{prefix253}p/x"), Does.Contain("prefix must be a DNS subdomain of at most 253"));
        });
    }

    [TestCase("", true)]
    [TestCase("x", true)]
    [TestCase("A-b_c.9", true)]
    [TestCase("x/y", false)]
    [TestCase("-x", false)]
    [TestCase("x.", false)]
    [TestCase("with space", false)]
    [TestCase("x\n", false)]
    [TestCase("ü", false)]
    public void The_schema_and_the_operator_agree_on_values(string value, bool valid)
    {
        var schema = Crds.All.Select(CrdBuilder.Build).Single(c => c.Spec.Names.Kind == SandboxClaim.EntityKind)
            .Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["spec"].Properties["labels"].AdditionalProperties as k8s.Models.V1JSONSchemaProps;
        // The API server evaluates the pattern with Go's regexp, whose $ matches only at the very end.
        var pattern = schema!.Pattern.TrimEnd('$') + @"\z";

        Assert.Multiple(() =>
        {
            Assert.That(LabelRules.ValueProblem(value) is null, Is.EqualTo(valid), "the operator");
            Assert.That(value.Length <= schema.MaxLength && Regex.IsMatch(value, pattern), Is.EqualTo(valid), "the schema");
        });
    }

    [Test]
    public void A_value_over_63_characters_is_refused() =>
        Assert.That(LabelRules.ValueProblem(new string('v', 64)), Does.Contain("at most 63"));

    [Test]
    public void The_api_server_s_refusal_is_told_in_its_own_words()
    {
        const string status = """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Sandbox.sandbox.northflank.com \"x\" is invalid: metadata.labels: Invalid value: \"x\": must be no more than 63 characters","reason":"Invalid","code":422}""";
        var refused = Refusal(HttpStatusCode.UnprocessableEntity, status);
        var badRequest = Refusal(HttpStatusCode.BadRequest, "not json");
        var conflict = Refusal(HttpStatusCode.Conflict, status);

        Assert.Multiple(() =>
        {
            Assert.That(ApiRefusal.IsRefusal(refused), Is.True);
            Assert.That(ApiRefusal.Message(refused), Is.EqualTo("Sandbox.sandbox.northflank.com \"x\" is invalid: metadata.labels: Invalid value: \"x\": must be no more than 63 characters"));
            Assert.That(ApiRefusal.IsRefusal(badRequest), Is.True);
            Assert.That(ApiRefusal.Message(badRequest), Is.EqualTo("400 Bad Request"));
            Assert.That(ApiRefusal.IsRefusal(conflict), Is.False, "a conflict is someone else's change, not an invalid object");
        });
    }

    private static HttpOperationException Refusal(HttpStatusCode code, string content) => new()
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code) { ReasonPhrase = code == HttpStatusCode.BadRequest ? "Bad Request" : null }, content),
    };
}
