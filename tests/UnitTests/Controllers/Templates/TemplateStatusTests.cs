using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Templates;

namespace UnitTests.Controllers.Templates;

public class TemplateStatusTests
{
    private const string Ns = "team-a";

    private static SandboxTemplate Template(string image = "python:3.12-slim", string ns = Ns, long generation = 3) => new()
    {
        Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = ns, Generation = generation },
        Spec = new SandboxTemplateSpec { Image = image, Plan = "nf-compute-20", Env = [new SandboxEnvVar { Name = "MODE", Value = "batch" }] },
    };

    private static Sandbox Sandbox(string name, string? template = "agent", string ns = Ns, bool deleting = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, DeletionTimestamp = deleting ? DateTime.UtcNow : null },
        Spec = new SandboxSpec { TemplateRef = template is null ? null : new TemplateReference { Name = template } },
    };

    private static SandboxWarmPool Pool(string name, string template = "agent", string ns = Ns) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new SandboxWarmPoolSpec { TemplateRef = new TemplateReference { Name = template } },
    };

    private static SandboxClaim Claim(string name, string? template = "agent", string? pool = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Spec = new SandboxClaimSpec
        {
            TemplateRef = template is null ? null : new TemplateReference { Name = template },
            WarmPoolRef = pool is null ? null : new PoolReference { Name = pool },
        },
    };

    private static SandboxTemplateStatus StatusOf(IEnumerable<Sandbox>? sandboxes = null, IEnumerable<SandboxWarmPool>? pools = null, IEnumerable<SandboxClaim>? claims = null) =>
        TemplateUsage.StatusOf(Template(), sandboxes ?? [], pools ?? [], claims ?? []);

    [Test]
    public void Counts_the_sandboxes_that_name_it()
    {
        var status = StatusOf([Sandbox("b"), Sandbox("a"), Sandbox("own", template: null), Sandbox("other", template: "other")]);

        Assert.That(status.Sandboxes, Is.EqualTo(2));
        Assert.That(status.SandboxNames, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void Leaves_out_sandboxes_of_another_namespace_and_those_being_deleted()
    {
        var status = StatusOf([Sandbox("a"), Sandbox("elsewhere", ns: "team-b"), Sandbox("going", deleting: true)]);

        Assert.That(status.Sandboxes, Is.EqualTo(1));
        Assert.That(status.SandboxNames, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void Names_the_first_twenty_sandboxes_in_order_but_counts_them_all()
    {
        var status = StatusOf(Enumerable.Range(0, 25).Reverse().Select(i => Sandbox($"s-{i:D2}")));

        Assert.That(status.Sandboxes, Is.EqualTo(25));
        Assert.That(status.SandboxNames, Is.EqualTo(Enumerable.Range(0, 20).Select(i => $"s-{i:D2}")));
    }

    [Test]
    public void Lists_the_pools_made_from_it_sorted_and_counts_the_claims_that_name_it()
    {
        var status = StatusOf(
            pools: [Pool("warm-b"), Pool("warm-a"), Pool("other", template: "other"), Pool("elsewhere", ns: "team-b")],
            claims: [Claim("cold"), Claim("warm", template: null, pool: "warm-a"), Claim("other", template: "other")]);

        Assert.That(status.Pools, Is.EqualTo(new[] { "warm-a", "warm-b" }));
        Assert.That(status.Claims, Is.EqualTo(1));
    }

    [Test]
    public void Says_the_generation_it_describes_and_the_hash_of_its_spec()
    {
        var status = StatusOf();

        Assert.That(status.ObservedGeneration, Is.EqualTo(3));
        Assert.That(status.Hash, Is.EqualTo(TemplateHash.Of(Template().Spec)).And.Match("^[0-9a-f]{10}$"));
    }

    [Test]
    public void The_hash_is_the_same_for_the_same_spec_anywhere_and_differs_for_another()
    {
        Assert.That(TemplateHash.Of(Template(ns: "team-b", generation: 1).Spec), Is.EqualTo(TemplateHash.Of(Template().Spec)));
        Assert.That(TemplateHash.Of(Template(image: "python:3.13-slim").Spec), Is.Not.EqualTo(TemplateHash.Of(Template().Spec)));
    }

    [Test]
    public void The_hash_leaves_unset_fields_out_so_a_field_added_later_changes_no_hash()
    {
        // The hash is of the spec's JSON with only the fields set: a changed format would show every template as
        // changed after an upgrade, so change it only on purpose.
        Assert.That(TemplateHash.Of(new SandboxTemplateSpec()), Is.EqualTo("44136fa355"), "the SHA-256 of {}");
        Assert.That(TemplateHash.Of(new SandboxTemplateSpec { Image = "python:3.12-slim" }), Is.EqualTo(Sha256("{\"image\":\"python:3.12-slim\"}")));
    }

    [Test]
    public void Every_field_of_a_template_hashes_in_the_order_the_spec_has_always_had()
    {
        // The spec's fields are declared on SandboxBlueprint, shared with the Sandbox: their order is part of the JSON
        // hashed, so moving or reordering them would show every template as changed after an upgrade.
        var spec = new SandboxTemplateSpec
        {
            Image = "ghcr.io/acme/agent:1.4",
            ImageCredentials = "acme-ghcr",
            Command = "serve",
            Entrypoint = "/bin/sh -c",
            Plan = "nf-compute-50",
            Env = [new SandboxEnvVar { Name = "MODE", Value = "batch" }],
            EphemeralStorageMB = 2048,
            Volume = new SandboxVolume { SizeMB = 4096, MountPath = "/data" },
            Ports = [new SandboxPort { Name = "http", Port = 8080 }],
            Lifecycle = new SandboxLifecycle { ShutdownAfter = "2h" },
            ConfigRef = new ConfigReference { Name = "team" },
            Tags = ["gvisor"],
        };
        const string json = "{\"image\":\"ghcr.io/acme/agent:1.4\",\"imageCredentials\":\"acme-ghcr\",\"command\":\"serve\",\"entrypoint\":\"/bin/sh -c\","
            + "\"plan\":\"nf-compute-50\",\"env\":[{\"name\":\"MODE\",\"value\":\"batch\"}],\"ephemeralStorageMB\":2048,"
            + "\"volume\":{\"sizeMB\":4096,\"mountPath\":\"/data\",\"accessMode\":\"ReadWriteOnce\"},"
            + "\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"HTTP\",\"public\":false}],"
            + "\"lifecycle\":{\"shutdownAfter\":\"2h\",\"shutdownPolicy\":\"Delete\"},"
            + "\"configRef\":{\"kind\":\"ClusterNorthflankConfig\",\"name\":\"team\"},\"tags\":[\"gvisor\"]}";

        Assert.That(TemplateHash.Of(spec), Is.EqualTo(Sha256(json)));
    }

    private static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..TemplateHash.Length];

    [Test]
    public void A_status_that_says_the_same_is_not_written_again()
    {
        var status = StatusOf([Sandbox("a")], [Pool("warm")]);

        Assert.That(TemplateUsage.Same(StatusOf([Sandbox("a")], [Pool("warm")]), status), Is.True);
        Assert.That(TemplateUsage.Same(null, status), Is.False);
        Assert.That(TemplateUsage.Same(StatusOf([Sandbox("b")], [Pool("warm")]), status), Is.False, "another Sandbox of the same count");
        Assert.That(TemplateUsage.Same(StatusOf([Sandbox("a")]), status), Is.False, "a pool fewer");
    }

    [Test]
    public void A_referrer_concerns_a_template_when_it_comes_goes_starts_being_deleted_or_names_another()
    {
        var before = Sandbox("a");
        Assert.That(TemplateUsage.Concerns(null, null, before.Metadata, before.Spec.TemplateRef), Is.True, "added or deleted");
        Assert.That(TemplateUsage.Concerns(before.Metadata, before.Spec.TemplateRef, Sandbox("a").Metadata, Sandbox("a").Spec.TemplateRef), Is.False, "a status write");
        Assert.That(TemplateUsage.Concerns(before.Metadata, before.Spec.TemplateRef, Sandbox("a", deleting: true).Metadata, before.Spec.TemplateRef), Is.True, "being deleted");
        Assert.That(TemplateUsage.Concerns(before.Metadata, before.Spec.TemplateRef, before.Metadata, new TemplateReference { Name = "other" }), Is.True, "another template");
    }

    [Test]
    public async Task A_reconcile_writes_the_status_once_and_then_nothing_while_nothing_changes()
    {
        var users = new Users { Sandboxes = [Sandbox("a"), Sandbox("b")], Pools = [Pool("warm")] };
        var writer = new Writer();
        var reconciler = new TemplateStatusReconciler(users, writer);
        var template = Template();

        Assert.That((await reconciler.ReconcileAsync(template, CancellationToken.None)).RequeueAfter, Is.Null);
        Assert.That(writer.Written, Has.Count.EqualTo(1));
        Assert.That(writer.Written[0], Has.Property(nameof(SandboxTemplateStatus.Sandboxes)).EqualTo(2).And.Property(nameof(SandboxTemplateStatus.Pools)).EqualTo(new[] { "warm" }));

        template.Status = writer.Written[0];
        await reconciler.ReconcileAsync(template, CancellationToken.None);
        Assert.That(writer.Written, Has.Count.EqualTo(1), "the same status is not written again");

        users.Sandboxes = [Sandbox("a")];
        await reconciler.ReconcileAsync(template, CancellationToken.None);
        Assert.That(writer.Written.Select(s => s.Sandboxes), Is.EqualTo(new[] { 2, 1 }));
    }

    [Test]
    public async Task Before_the_caches_have_synced_it_writes_nothing_and_looks_again_soon()
    {
        var writer = new Writer();
        var reconciler = new TemplateStatusReconciler(new Users { Synced = false }, writer);

        Assert.That((await reconciler.ReconcileAsync(Template(), CancellationToken.None)).RequeueAfter, Is.EqualTo(TemplateStatusReconciler.NotSyncedDelay));
        Assert.That(writer.Written, Is.Empty);
    }

    private sealed class Users : ITemplateUsers
    {
        public bool Synced { get; set; } = true;

        public List<Sandbox> Sandboxes { get; set; } = [];

        public List<SandboxWarmPool> Pools { get; set; } = [];

        IReadOnlyList<Sandbox> ITemplateUsers.Sandboxes(string namespaceName) => Sandboxes;

        IReadOnlyList<SandboxWarmPool> ITemplateUsers.Pools(string namespaceName) => Pools;

        IReadOnlyList<SandboxClaim> ITemplateUsers.Claims(string namespaceName) => [];
    }

    private sealed class Writer : IStatusWriter<SandboxTemplate, SandboxTemplateStatus>
    {
        public List<SandboxTemplateStatus> Written { get; } = [];

        public Task<string?> WriteStatusAsync(SandboxTemplate entity, SandboxTemplateStatus status, CancellationToken ct)
        {
            Written.Add(status);
            return Task.FromResult<string?>(null);
        }

        public void Record(SandboxTemplate entity, bool warning, string reason, string message)
        {
        }
    }
}
