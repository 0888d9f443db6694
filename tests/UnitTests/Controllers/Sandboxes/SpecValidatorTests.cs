using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

public class SpecValidatorTests
{
    [Test]
    public void A_plain_spec_is_valid() => Assert.That(SpecValidator.Validate(SandboxFactory.New()), Is.Empty);

    [TestCase(null)]
    [TestCase("ssd")]
    public void A_read_write_many_volume_without_the_multi_read_write_storage_class_is_refused(string? storageClass)
    {
        var sandbox = SandboxFactory.New(configure: s => s.Volume = new SandboxVolume
        {
            SizeMB = 2048,
            MountPath = "/work",
            AccessMode = VolumeAccessModes.ReadWriteMany,
            StorageClass = storageClass,
        });

        Assert.That(SpecValidator.Validate(sandbox), Has.Some.StartsWith("spec.volume.accessMode: ReadWriteMany is not generally available on Northflank and needs spec.volume.storageClass nf-multi-rw"));
        sandbox.Spec.Volume!.StorageClass = NorthflankRules.MultiReadWriteStorageClass;
        Assert.That(SpecValidator.Validate(sandbox), Is.Empty);
    }

    [Test]
    public void Duplicate_port_names_and_numbers_are_named()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Ports =
        [
            new SandboxPort { Name = "http", Port = 8080 },
            new SandboxPort { Name = "http", Port = 8080 },
        ]);

        var problems = SpecValidator.Validate(sandbox);

        Assert.That(problems, Has.Some.Contains("spec.ports[1].name: duplicate port name http"));
        Assert.That(problems, Has.Some.Contains("spec.ports[1].port: duplicate port number 8080"));
    }

    [Test]
    public void Env_needs_exactly_one_source()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Env =
        [
            new SandboxEnvVar { Name = "BOTH", Value = "x", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "s", Key = "k" } } },
            new SandboxEnvVar { Name = "NEITHER", ValueFrom = new EnvVarSource() },
        ]);

        var problems = SpecValidator.Validate(sandbox);

        Assert.That(problems, Has.Some.Contains("spec.env[0] (BOTH)"));
        Assert.That(problems, Has.Some.Contains("spec.env[1].valueFrom (NEITHER)"));
    }

    [Test]
    public void Lifecycle_takes_one_of_after_and_time()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = "1h", ShutdownTime = DateTimeOffset.UnixEpoch });

        Assert.That(SpecValidator.Validate(sandbox), Has.Some.Contains("not both"));
    }

    [Test]
    public void Removing_a_created_volume_is_refused()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Status = new SandboxStatus { VolumeId = "sbx-agent-v" };

        Assert.That(SpecValidator.Validate(sandbox), Has.Some.Contains("spec.volume cannot be removed"));
    }

    [TestCase("90m", 90 * 60)]
    [TestCase("1h30m", 90 * 60)]
    [TestCase("1.5h", 90 * 60)]
    [TestCase("2d", 2 * 86400)]
    [TestCase("45s", 45)]
    public void Durations_parse(string text, int seconds)
    {
        Assert.That(SpecValidator.TryParseDuration(text, out var duration), Is.True);
        Assert.That(duration, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("")]
    [TestCase("10")]
    [TestCase("h")]
    [TestCase("1w")]
    [TestCase("0s")]
    [TestCase("5m junk")]
    [TestCase("99999999999999999999999999999999999999999d")]
    [TestCase("6000000d")]
    [TestCase("12000000d")]
    public void Bad_durations_are_refused(string text) => Assert.That(SpecValidator.TryParseDuration(text, out _), Is.False);

    [TestCase("99999999999d", "not a duration")]
    [TestCase("367d", "longer than 366 days")]
    [TestCase("200d200d", "longer than 366 days")]
    public void Durations_past_a_year_are_invalid_spec_naming_the_field_and_never_throw(string after, string says)
    {
        var sandbox = SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = after });

        Assert.That(SpecValidator.Validate(sandbox), Has.Some.Contains("spec.lifecycle.shutdownAfter").And.Some.Contains(says).Or.Some.Contains(says));
        Assert.That(DesiredState.ExpiryOf(sandbox), Is.Null);
    }

    [Test]
    public void A_shutdown_time_no_sandbox_could_reach_is_invalid_spec()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero) });

        Assert.That(SpecValidator.Validate(sandbox), Has.Some.Contains("spec.lifecycle.shutdownTime"));
    }

    [Test]
    public void A_sandbox_without_an_image_is_refused_naming_the_field()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Image = " ");

        Assert.That(SpecValidator.Validate(sandbox), Is.EqualTo(new[] { "spec.image is required (or spec.templateRef naming a SandboxTemplate that sets it)" }));
    }

    [Test]
    public void An_adoption_annotation_that_is_no_service_id_is_refused()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = "Not_An_Id" };

        Assert.That(SpecValidator.Validate(sandbox), Has.One.Contains(SandboxAnnotations.ExternalName).And.Contains("Not_An_Id"));
    }

    [Test]
    public void A_variable_set_twice_is_refused_at_its_second_place()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Env =
        [
            new SandboxEnvVar { Name = "MODE", Value = "a" },
            new SandboxEnvVar { Name = "MODE", Value = "b" },
        ]);

        Assert.That(SpecValidator.Validate(sandbox), Is.EqualTo(new[] { "spec.env[1].name: duplicate variable MODE" }));
    }

    [Test]
    public void Variables_with_a_value_or_with_a_reference_alone_are_valid()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Env =
        [
            new SandboxEnvVar { Name = "PLAIN", Value = "a" },
            new SandboxEnvVar { Name = "SECRET", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "s", Key = "k" } } },
            new SandboxEnvVar { Name = "CONFIG", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new KeySelector { Name = "c", Key = "k" } } },
        ]);

        Assert.That(SpecValidator.Validate(sandbox), Is.Empty);
    }

    [TestCase("366d")]
    [TestCase("8784h")]
    public void A_lifetime_of_exactly_the_maximum_is_valid(string after)
    {
        var sandbox = SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = after });

        Assert.Multiple(() =>
        {
            Assert.That(SpecValidator.Validate(sandbox), Is.Empty);
            Assert.That(DesiredState.ExpiryOf(sandbox), Is.EqualTo(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).AddDays(366)));
        });
    }

    [TestCase(2000)]
    [TestCase(9000)]
    public void Shutdown_times_from_the_year_2000_to_9000_are_valid(int year)
    {
        var sandbox = SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = new DateTimeOffset(year, 6, 1, 0, 0, 0, TimeSpan.Zero) });

        Assert.That(SpecValidator.Validate(sandbox), Is.Empty);
    }
}
