using k8s.Models;
using SandboxOperator.Api.Schema;

namespace UnitTests.Api;

public class CrdDriftTests
{
    [Test]
    public void Committed_crd_is_what_the_types_generate()
    {
        var committed = File.ReadAllText(Path.Combine(TestInfra.RepositoryRoot.Path, "crds", SandboxCrd.FileName));

        Assert.That(committed, Is.EqualTo(SandboxCrd.ToYaml()), "crds/ is out of date with operator/Api: run `make crds` and commit the result");
    }

    [Test]
    public void Schema_refuses_what_it_should()
    {
        var crd = SandboxCrd.Build();
        var spec = crd.Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["spec"];

        Assert.Multiple(() =>
        {
            Assert.That(spec.Required, Does.Contain("image"));
            Assert.That(spec.Properties["operatingMode"].EnumProperty, Is.EquivalentTo(new[] { "Running", "Paused" }));
            Assert.That(((V1JSONSchemaProps)spec.Properties["ports"].Items).Properties["port"].Maximum, Is.EqualTo(65535));
            Assert.That(spec.Properties["ports"].XKubernetesListMapKeys, Is.EqualTo(new[] { "name" }));
            Assert.That(spec.Properties["plan"].DefaultProperty?.ToString(), Is.EqualTo("nf-compute-20"));
            Assert.That(crd.Spec.Versions.Single().Subresources.Status, Is.Not.Null);
        });
    }
}
