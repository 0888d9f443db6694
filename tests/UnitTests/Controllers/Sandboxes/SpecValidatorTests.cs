using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

public class SpecValidatorTests
{
    [Test]
    public void A_plain_spec_is_valid() => Assert.That(SpecValidator.Validate(SandboxFactory.New()), Is.Empty);

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
}
