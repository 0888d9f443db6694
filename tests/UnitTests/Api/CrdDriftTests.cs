using k8s.Models;
using SandboxOperator.Api.Crds;

namespace UnitTests.Api;

public class CrdDriftTests
{
    [Test]
    public void Committed_crds_are_what_the_types_generate_one_file_per_kind()
    {
        var directory = Path.Combine(TestInfra.RepositoryRoot.Path, "crds");

        Assert.That(Directory.GetFiles(directory, "*.yaml").Select(Path.GetFileName), Is.EquivalentTo(Crds.All.Select(CrdBuilder.FileName)), "one file per kind, no stale ones");
        foreach (var definition in Crds.All)
        {
            var committed = File.ReadAllText(Path.Combine(directory, CrdBuilder.FileName(definition)));
            Assert.That(committed, Is.EqualTo(CrdBuilder.ToYaml(definition)), $"crds/{CrdBuilder.FileName(definition)} is out of date with operator/Api: run `make crds` and commit the result");
        }
    }

    [Test]
    public void Configs_are_namespaced_and_cluster_scoped_with_their_printer_columns()
    {
        var namespaced = CrdBuilder.Build(Crds.NorthflankConfig);
        var cluster = CrdBuilder.Build(Crds.ClusterNorthflankConfig);
        var clusterSpec = cluster.Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["spec"];

        Assert.Multiple(() =>
        {
            Assert.That(namespaced.Spec.Scope, Is.EqualTo("Namespaced"));
            Assert.That(cluster.Spec.Scope, Is.EqualTo("Cluster"));
            Assert.That(clusterSpec.Required, Is.EquivalentTo(new[] { "projects", "credentialsSecretRef" }));
            Assert.That(clusterSpec.Properties["credentialsSecretRef"].Required, Does.Contain("namespace"));
            Assert.That(clusterSpec.Properties["adoption"].DefaultProperty?.ToString(), Is.EqualTo("Forbidden"));
            Assert.That(cluster.Spec.Versions.Single().AdditionalPrinterColumns.Select(c => c.Name), Is.EqualTo(new[] { "Ready", "Reason", "Projects", "Sandboxes", "Age" }));
        });
    }

    [Test]
    public void Schema_refuses_what_it_should()
    {
        var crd = CrdBuilder.Build(Crds.Sandbox);
        var spec = crd.Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["spec"];

        Assert.Multiple(() =>
        {
            // image may come from the Sandbox's template: the operator refuses a Sandbox with neither (InputResolver).
            Assert.That(spec.Required, Is.Null.Or.Not.Contain("image"));
            Assert.That(spec.Properties["operatingMode"].EnumProperty, Is.EquivalentTo(new[] { "Running", "Paused" }));
            Assert.That(((V1JSONSchemaProps)spec.Properties["ports"].Items).Properties["port"].Maximum, Is.EqualTo(65535));
            Assert.That(spec.Properties["ports"].XKubernetesListMapKeys, Is.EqualTo(new[] { "name" }));
            // No schema default: a plan the API server filled in would always win over the template's.
            Assert.That(spec.Properties["plan"].DefaultProperty, Is.Null);
            Assert.That(crd.Spec.Versions.Single().Subresources.Status, Is.Not.Null);
        });
    }

    [Test]
    public void A_claim_names_exactly_one_source_a_pool_can_be_scaled_and_a_template_has_a_status()
    {
        var claim = CrdBuilder.Build(Crds.SandboxClaim).Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["spec"];
        var pool = CrdBuilder.Build(Crds.SandboxWarmPool).Spec.Versions.Single();
        var template = CrdBuilder.Build(Crds.SandboxTemplate);

        Assert.Multiple(() =>
        {
            Assert.That(claim.OneOf.Select(c => c.Required.Single()), Is.EqualTo(new[] { "warmPoolRef", "templateRef" }));
            Assert.That(pool.Subresources.Scale.SpecReplicasPath, Is.EqualTo(".spec.replicas"));
            Assert.That(pool.Subresources.Scale.StatusReplicasPath, Is.EqualTo(".status.replicas"));
            Assert.That(pool.Subresources.Scale.LabelSelectorPath, Is.EqualTo(".status.selector"));
            Assert.That(pool.Schema.OpenAPIV3Schema.Properties["spec"].Properties["tier"].EnumProperty, Is.EquivalentTo(new[] { "Running", "Paused" }));
            Assert.That(template.Spec.Names.ShortNames, Is.EqualTo(new[] { "sbxt" }));
            Assert.That(template.Spec.Versions.Single().Subresources.Status, Is.Not.Null);
            Assert.That(template.Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["status"].Properties.Keys,
                Is.EqualTo(new[] { "observedGeneration", "hash", "sandboxes", "sandboxNames", "pools", "claims" }));
            Assert.That(template.Spec.Versions.Single().AdditionalPrinterColumns.Where(c => c.Priority is null or 0).Select(c => c.Name),
                Is.EqualTo(new[] { "Image", "Plan", "Hash", "Sandboxes", "Pools", "Age" }));
        });
    }
}
