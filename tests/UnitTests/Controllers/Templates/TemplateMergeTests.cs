using System.Text.Json;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Templates;

namespace UnitTests.Controllers.Templates;

public class TemplateMergeTests
{
    private static SandboxTemplateSpec Template() => new()
    {
        Image = "ghcr.io/acme/agent:1.4",
        Command = "serve",
        Plan = "nf-compute-50",
        Env = [new SandboxEnvVar { Name = "MODE", Value = "template" }, new SandboxEnvVar { Name = "LEVEL", Value = "info" }],
        Ports = [new SandboxPort { Name = "http", Port = 8080, Public = true }],
        Volume = new SandboxVolume { SizeMB = 4096, MountPath = "/data" },
        Lifecycle = new SandboxLifecycle { ShutdownAfter = "2h" },
        Tags = ["gvisor"],
        ConfigRef = new ConfigReference { Kind = NorthflankConfig.EntityKind, Name = "team" },
        EphemeralStorageMB = 2048,
        ImageCredentials = "acme-ghcr",
    };

    [Test]
    public void The_templates_image_credentials_go_with_its_image_and_never_with_the_Sandboxes_own_image()
    {
        var fromTemplate = TemplateMerge.Merge(new SandboxSpec(), Template());
        var ownImage = TemplateMerge.Merge(new SandboxSpec { Image = "python:3.12-slim" }, Template());
        var ownBoth = TemplateMerge.Merge(new SandboxSpec { Image = "ghcr.io/acme/other:2", ImageCredentials = "acme-other" }, Template());

        Assert.Multiple(() =>
        {
            Assert.That(fromTemplate.ImageCredentials, Is.EqualTo("acme-ghcr"));
            Assert.That(ownImage.ImageCredentials, Is.Null);
            Assert.That(ownBoth.ImageCredentials, Is.EqualTo("acme-other"));
        });
    }

    [Test]
    public void The_template_fills_every_field_the_Sandbox_leaves_unset()
    {
        var merged = TemplateMerge.Merge(new SandboxSpec { TemplateRef = new TemplateReference { Name = "agent" } }, Template());

        Assert.Multiple(() =>
        {
            Assert.That(merged.Image, Is.EqualTo("ghcr.io/acme/agent:1.4"));
            Assert.That(merged.Command, Is.EqualTo("serve"));
            Assert.That(merged.Plan, Is.EqualTo("nf-compute-50"));
            Assert.That(merged.Env!.Select(e => e.Name), Is.EqualTo(new[] { "MODE", "LEVEL" }));
            Assert.That(merged.Ports!.Single().Port, Is.EqualTo(8080));
            Assert.That(merged.Volume!.MountPath, Is.EqualTo("/data"));
            Assert.That(merged.Lifecycle!.ShutdownAfter, Is.EqualTo("2h"));
            Assert.That(merged.Tags, Is.EqualTo(new[] { "gvisor" }));
            Assert.That(merged.ConfigRef!.Name, Is.EqualTo("team"));
            Assert.That(merged.EphemeralStorageMB, Is.EqualTo(2048));
            Assert.That(merged.TemplateRef!.Name, Is.EqualTo("agent"));
        });
    }

    [Test]
    public void Fields_the_Sandbox_sets_itself_win()
    {
        var own = new SandboxSpec
        {
            Image = "python:3.12-slim",
            Plan = "nf-compute-10",
            Env = [new SandboxEnvVar { Name = "MODE", Value = "mine" }],
            Ports = [new SandboxPort { Name = "api", Port = 9000 }],
            Lifecycle = new SandboxLifecycle { ShutdownAfter = "10m" },
            Tags = ["spot"],
            ConfigRef = new ConfigReference { Name = "shared" },
            OperatingMode = OperatingModes.Paused,
            ProjectId = "mine",
            DeletionPolicy = DeletionPolicies.Orphan,
        };

        var merged = TemplateMerge.Merge(own, Template());

        Assert.Multiple(() =>
        {
            Assert.That(merged.Image, Is.EqualTo("python:3.12-slim"));
            Assert.That(merged.Plan, Is.EqualTo("nf-compute-10"));
            Assert.That(merged.Env!.ToDictionary(e => e.Name, e => e.Value), Is.EqualTo(new Dictionary<string, string?> { ["LEVEL"] = "info", ["MODE"] = "mine" }));
            Assert.That(merged.Ports!.Single().Name, Is.EqualTo("api"));
            Assert.That(merged.Lifecycle!.ShutdownAfter, Is.EqualTo("10m"));
            Assert.That(merged.Tags, Is.EqualTo(new[] { "spot" }));
            Assert.That(merged.ConfigRef!.Name, Is.EqualTo("shared"));
            Assert.That(merged.OperatingMode, Is.EqualTo(OperatingModes.Paused));
            Assert.That(merged.ProjectId, Is.EqualTo("mine"));
            Assert.That(merged.DeletionPolicy, Is.EqualTo(DeletionPolicies.Orphan));
        });
    }

    [Test]
    public void Without_a_template_only_the_default_plan_is_filled_in()
    {
        var merged = TemplateMerge.Merge(new SandboxSpec { Image = "python:3.12-slim" }, null);

        Assert.Multiple(() =>
        {
            Assert.That(merged.Plan, Is.EqualTo(SandboxSpec.DefaultPlan));
            Assert.That(merged.Image, Is.EqualTo("python:3.12-slim"));
            Assert.That(merged.Env, Is.Null);
        });
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value);

    [Test]
    public void Every_field_of_the_blueprint_comes_from_the_template_when_the_Sandbox_leaves_it_unset()
    {
        // Walks the blueprint, so a field added to it and not to TemplateMerge fails here.
        var template = Template();
        template.Entrypoint = "/bin/sh -c";

        var merged = TemplateMerge.Merge(new SandboxSpec(), template);

        Assert.Multiple(() =>
        {
            foreach (var property in typeof(SandboxBlueprint).GetProperties())
            {
                Assert.That(property.GetValue(template), Is.Not.Null, $"the test's template sets {property.Name}");
                Assert.That(Json(property.GetValue(merged)), Is.EqualTo(Json(property.GetValue(template))), property.Name);
            }
        });
    }

    [Test]
    public void Every_field_outside_the_blueprint_stays_the_Sandboxes_own()
    {
        var own = new SandboxSpec
        {
            ProjectId = "mine",
            TemplateRef = new TemplateReference { Name = "agent" },
            OperatingMode = OperatingModes.Paused,
            DeletionPolicy = DeletionPolicies.Orphan,
            CredentialsSecretRef = new SecretKeySelector { Name = "token" },
        };

        var merged = TemplateMerge.Merge(own, Template());

        Assert.Multiple(() =>
        {
            foreach (var property in typeof(SandboxSpec).GetProperties().Where(p => p.DeclaringType == typeof(SandboxSpec)))
            {
                Assert.That(property.GetValue(own), Is.Not.Null, $"the test's Sandbox sets {property.Name}");
                Assert.That(property.GetValue(merged), Is.SameAs(property.GetValue(own)), property.Name);
            }
        });
    }

    [Test]
    public void Neither_input_is_changed()
    {
        var template = Template();
        var own = new SandboxSpec { Env = [new SandboxEnvVar { Name = "MODE", Value = "mine" }] };

        TemplateMerge.Merge(own, template);

        Assert.Multiple(() =>
        {
            Assert.That(template.Env!.Select(e => e.Value), Is.EqualTo(new[] { "template", "info" }));
            Assert.That(own.Env!.Single().Value, Is.EqualTo("mine"));
            Assert.That(own.Image, Is.Null);
            Assert.That(own.Plan, Is.Null);
        });
    }
}
