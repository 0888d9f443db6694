using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

public class DesiredStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);

    internal static ResolvedInputs Inputs(IReadOnlyDictionary<string, string>? env = null, IReadOnlyList<string>? sources = null) =>
        new(new NorthflankToken("test-token"), "default-project", env ?? new Dictionary<string, string>(), sources ?? []);

    [Test]
    public void Request_carries_image_plan_ports_command_and_ownership()
    {
        var sandbox = SandboxFactory.New(configure: s =>
        {
            s.Plan = "nf-compute-50";
            s.Command = "python -m http.server 8080";
            s.Ports = [new SandboxPort { Name = "web", Port = 8080, Protocol = PortProtocols.Http2, Public = true }];
        });

        var desired = DesiredState.Build(sandbox, Inputs(), "prod", Now);

        Assert.Multiple(() =>
        {
            Assert.That(desired.Service.Deployment.External.ImagePath, Is.EqualTo("python:3.12-slim"));
            Assert.That(desired.Service.Billing.DeploymentPlan, Is.EqualTo("nf-compute-50"));
            Assert.That(desired.Service.Deployment.Docker!.ConfigType, Is.EqualTo("customCommand"));
            Assert.That(desired.Service.Ports!.Single().Protocol, Is.EqualTo("HTTP/2"));
            Assert.That(OwnershipMarker.IsOwnedBy(desired.Service.Description, sandbox, "prod"), Is.True);
            Assert.That(desired.Service.Tags, Is.Empty, "no tags unless the spec names some (tags are the team's), sent empty so old ones go");
        });
    }

    [Test]
    public void Image_credentials_are_sent_as_the_external_images_credentials_and_change_the_fingerprint()
    {
        var plain = DesiredState.Build(SandboxFactory.New(), Inputs(), "prod", Now);
        var withCredentials = DesiredState.Build(SandboxFactory.New(configure: s => s.ImageCredentials = "acme-ghcr"), Inputs(), "prod", Now);

        Assert.Multiple(() =>
        {
            Assert.That(plain.Service.Deployment.External.Credentials, Is.Null);
            Assert.That(withCredentials.Service.Deployment.External.Credentials, Is.EqualTo("acme-ghcr"));
            Assert.That(withCredentials.SpecHash, Is.Not.EqualTo(plain.SpecHash));
        });
    }

    [Test]
    public void Fingerprint_follows_spec_and_secret_versions_but_never_holds_a_value()
    {
        var sandbox = SandboxFactory.New();
        var env = new Dictionary<string, string> { ["API_KEY"] = "s3cr3t-value" };
        var baseline = DesiredState.Build(sandbox, Inputs(env, ["API_KEY=Secret/keys/api@1"]), "prod", Now);
        var rotated = DesiredState.Build(sandbox, Inputs(new Dictionary<string, string> { ["API_KEY"] = "new-value" }, ["API_KEY=Secret/keys/api@2"]), "prod", Now);
        var sameAgain = DesiredState.Build(sandbox, Inputs(env, ["API_KEY=Secret/keys/api@1"]), "prod", Now);
        sandbox.Spec.Image = "python:3.13-slim";
        var newImage = DesiredState.Build(sandbox, Inputs(env, ["API_KEY=Secret/keys/api@1"]), "prod", Now);

        Assert.Multiple(() =>
        {
            Assert.That(sameAgain.SpecHash, Is.EqualTo(baseline.SpecHash));
            Assert.That(rotated.SpecHash, Is.Not.EqualTo(baseline.SpecHash));
            Assert.That(newImage.SpecHash, Is.Not.EqualTo(baseline.SpecHash));
            Assert.That(baseline.SpecHash, Does.Not.Contain("s3cr3t"));
        });
    }

    [Test]
    public void Expiry_from_shutdown_after_counts_from_creation_and_pauses_under_pause()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownAfter = "30m", ShutdownPolicy = ShutdownPolicies.Pause });

        var before = DesiredState.Build(sandbox, Inputs(), "prod", sandbox.Metadata.CreationTimestamp!.Value.AddMinutes(29));
        var after = DesiredState.Build(sandbox, Inputs(), "prod", sandbox.Metadata.CreationTimestamp!.Value.AddMinutes(31));

        Assert.Multiple(() =>
        {
            Assert.That(before.ExpiresAt, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 10, 30, 0, TimeSpan.Zero)));
            Assert.That(before.Expired || before.Paused, Is.False);
            Assert.That(after.Expired && after.Paused, Is.True);
        });
    }

    [Test]
    public void Spec_tags_pass_through_to_the_service_but_not_the_volume()
    {
        var sandbox = SandboxFactory.New(configure: s =>
        {
            s.Tags = ["gvisor", "spot-nodes"];
            s.Volume = new SandboxVolume { SizeMB = 2048, MountPath = "/data" };
        });

        var desired = DesiredState.Build(sandbox, Inputs(), "prod", Now);

        Assert.That(desired.Service.Tags, Is.EqualTo(new[] { "gvisor", "spot-nodes" }));
        Assert.That(desired.Volume!.Tags, Is.Null);
    }

    [TestCase(ShutdownPolicies.Delete, DeletionPolicies.Delete, "2h", 7200)]
    [TestCase(ShutdownPolicies.Delete, DeletionPolicies.Delete, "4m", null)]
    [TestCase(ShutdownPolicies.Delete, DeletionPolicies.Delete, "8d", null)]
    [TestCase(ShutdownPolicies.Pause, DeletionPolicies.Delete, "2h", null)]
    [TestCase(ShutdownPolicies.Delete, DeletionPolicies.Orphan, "2h", null)]
    public void Northflank_expires_the_service_itself_only_when_the_Sandbox_ends_by_deletion_within_its_limits(
        string shutdownPolicy, string deletionPolicy, string after, int? expected)
    {
        var sandbox = SandboxFactory.New(configure: s =>
        {
            s.Lifecycle = new SandboxLifecycle { ShutdownAfter = after, ShutdownPolicy = shutdownPolicy };
            s.DeletionPolicy = deletionPolicy;
        });
        var createdAt = new DateTimeOffset(sandbox.Metadata.CreationTimestamp!.Value);

        var request = DesiredState.Build(sandbox, Inputs(), "prod", createdAt).CreateRequest(createdAt);

        Assert.That(request.CreateOptions?.ExpiryTime, Is.EqualTo(expected));
        Assert.That(request.Name, Is.EqualTo(SandboxNaming.ServiceName(sandbox)));
    }

    [Test]
    public void Expiry_time_counts_from_the_create_and_rounds_up()
    {
        var expiresAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        Assert.Multiple(() =>
        {
            Assert.That(DesiredState.ExpiryTimeFrom(expiresAt - TimeSpan.FromSeconds(599.2), expiresAt), Is.EqualTo(600));
            Assert.That(DesiredState.ExpiryTimeFrom(expiresAt - TimeSpan.FromSeconds(300), expiresAt), Is.EqualTo(300));
            Assert.That(DesiredState.ExpiryTimeFrom(expiresAt - TimeSpan.FromSeconds(299), expiresAt), Is.Null);
            Assert.That(DesiredState.ExpiryTimeFrom(expiresAt - TimeSpan.FromSeconds(604800), expiresAt), Is.EqualTo(604800));
            Assert.That(DesiredState.ExpiryTimeFrom(expiresAt - TimeSpan.FromSeconds(604801), expiresAt), Is.Null);
        });
    }

    [Test]
    public void The_volume_is_created_unattached_and_the_service_create_mounts_it()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Volume = new SandboxVolume { SizeMB = 5120, MountPath = "/data" });

        var desired = DesiredState.Build(sandbox, Inputs(), "prod", Now);

        Assert.That(desired.Volume!.AttachedObjects, Is.Null);
        Assert.That(desired.Volume.Spec.StorageSize, Is.EqualTo(5120));
        Assert.That(desired.CreateRequest(Now, [desired.Volume.Name]).CreateOptions!.VolumesToAttach, Is.EqualTo(new[] { desired.Volume.Name }));
        Assert.That(desired.CreateRequest(Now).CreateOptions, Is.Null);
    }

    [TestCase(null, null, "default", null, null)]
    [TestCase("/bin/sh -c", null, "customEntrypoint", "/bin/sh -c", null)]
    [TestCase("/bin/sh -c", "sleep infinity", "customEntrypointCustomCommand", "/bin/sh -c", "sleep infinity")]
    public void The_entrypoint_and_command_the_spec_overrides_reach_Northflank(string? entrypoint, string? command, string configType, string? sentEntrypoint, string? sentCommand)
    {
        var sandbox = SandboxFactory.New(configure: s => (s.Entrypoint, s.Command) = (entrypoint, command));

        var docker = DesiredState.Build(sandbox, Inputs(), "prod", Now).Service.Deployment.Docker!;

        Assert.That((docker.ConfigType, docker.CustomEntrypoint, docker.CustomCommand), Is.EqualTo((configType, sentEntrypoint, sentCommand)));
    }

    [Test]
    public void Ephemeral_storage_is_asked_for_only_when_the_spec_sets_it()
    {
        var sized = DesiredState.Build(SandboxFactory.New(configure: s => s.EphemeralStorageMB = 2048), Inputs(), "prod", Now);
        var plain = DesiredState.Build(SandboxFactory.New(), Inputs(), "prod", Now);

        Assert.Multiple(() =>
        {
            Assert.That(sized.Service.Deployment.Storage?.EphemeralStorage?.StorageSize, Is.EqualTo(2048));
            Assert.That(plain.Service.Deployment.Storage, Is.Null);
        });
    }

    [TestCase(PortProtocols.Http, "HTTP")]
    [TestCase(PortProtocols.Http2, "HTTP/2")]
    [TestCase(PortProtocols.Tcp, "TCP")]
    public void Port_protocols_are_sent_as_Northflank_spells_them(string protocol, string sent) =>
        Assert.That(DesiredState.WireProtocol(protocol), Is.EqualTo(sent));

    [Test]
    public void A_sandbox_reaching_its_shutdown_time_is_expired_at_that_very_moment()
    {
        var sandbox = SandboxFactory.New(configure: s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = Now, ShutdownPolicy = ShutdownPolicies.Pause });

        var desired = DesiredState.Build(sandbox, Inputs(), "prod", Now);

        Assert.That((desired.Expired, desired.Paused), Is.EqualTo((true, true)));
    }

    [Test]
    public void The_fingerprint_of_an_unchanged_spec_stays_the_same_across_releases()
    {
        // A different fingerprint for the same spec and references would make a new operator re-apply every Sandbox.
        var sandbox = SandboxFactory.New();

        var desired = DesiredState.Build(sandbox, Inputs(sources: ["TOKEN=Secret/creds/token@7", "MODE=ConfigMap/settings/mode@3"]), "prod", Now);

        Assert.That(desired.SpecHash, Is.EqualTo("af44d73cd0fb6bbb"));
    }
}
