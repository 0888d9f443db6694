using System.Text.Json;
using k8s;
using k8s.Models;
using SandboxOperator.Api.Crds;
using SandboxOperator.Api.V1Alpha1;

namespace UnitTests.Api;

/// <summary>The fields a Sandbox and a template share are declared once (SandboxBlueprint); only their descriptions differ.</summary>
public class BlueprintSchemaTests
{
    private static V1JSONSchemaProps SpecOf(CrdDefinition definition) =>
        CrdBuilder.Build(definition).Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["spec"];

    private static string WithoutDescription(V1JSONSchemaProps schema)
    {
        var copy = KubernetesJson.Deserialize<V1JSONSchemaProps>(KubernetesJson.Serialize(schema));
        copy.Description = null;
        return KubernetesJson.Serialize(copy);
    }

    [Test]
    public void A_templates_fields_are_the_Sandboxes_with_the_same_rules_and_their_own_descriptions()
    {
        var sandbox = SpecOf(Crds.Sandbox);
        var template = SpecOf(Crds.SandboxTemplate);

        Assert.That(template.Properties.Keys, Is.SubsetOf(sandbox.Properties.Keys));
        Assert.Multiple(() =>
        {
            foreach (var (name, schema) in template.Properties)
            {
                Assert.That(WithoutDescription(schema), Is.EqualTo(WithoutDescription(sandbox.Properties[name])), $"{name}: the rules are the blueprint's");
                Assert.That(schema.Description, Is.Not.EqualTo(sandbox.Properties[name].Description), $"{name}: a template says what it means on a template");
            }
        });
    }

    [Test]
    public void A_Sandboxes_own_fields_come_after_the_blueprints_but_its_identity_first()
    {
        var names = SpecOf(Crds.Sandbox).Properties.Keys.ToList();
        var json = JsonSerializer.SerializeToNode(new SandboxSpec { ProjectId = "p", DeletionPolicy = DeletionPolicies.Delete, Image = "python:3.12-slim" })!
            .AsObject().Select(p => p.Key).ToList();

        Assert.That(names.Take(3), Is.EqualTo(new[] { "projectId", "templateRef", "image" }));
        Assert.That(names.TakeLast(3), Is.EqualTo(new[] { "operatingMode", "deletionPolicy", "credentialsSecretRef" }));
        Assert.That(json, Is.EqualTo(names.Where(json.Contains)), "the schema lists the fields in the order the JSON has them");
    }

    [PropertyDescription("Imagee", "a typo")]
    private sealed class Misdescribed : SandboxBlueprint
    {
    }

    [Test]
    public void A_description_of_a_property_the_type_does_not_have_is_refused()
    {
        Assert.That(() => SchemaGenerator.For(typeof(Misdescribed)), Throws.InvalidOperationException.With.Message.Contains("Imagee"));
    }
}
