using System.Threading.Channels;
using ControllerRuntime;
using ControllerRuntime.Tests;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Configs.Setup;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Controllers.Sandboxes.Setup;
using SandboxFactory = UnitTests.Controllers.Sandboxes.SandboxFactory;

namespace UnitTests.Controllers.Sandboxes.Setup;

/// <summary>
/// Referenced Secrets are kept only while some Sandbox refers to them: the Sandbox and Secret-metadata informers run
/// on scripted list/watches, the API server is a dictionary that counts reads.
/// </summary>
[TestFixture]
public sealed class KubernetesReferenceReaderTests
{
    private const string Home = "operator-home";
    private const string DefaultToken = "northflank-credentials";
    private readonly List<(CancellationTokenSource Stop, ChannelWriter<object> Watch, Task Run)> informers = [];
    private ChannelWriter<object> sandboxWatch = null!;
    private InformerCache<Sandbox> sandboxes = null!;
    private InformerCache<PartialObjectMetadata<V1Secret>> secretMetadata = null!;
    private int gets;
    private int sandboxEvents;

    private static Sandbox UsingSecrets(string name, params string[] secrets)
    {
        return SandboxFactory.New(name, spec => spec.Env = [.. secrets.Select(s => new SandboxEnvVar
        {
            Name = s.ToUpperInvariant().Replace('-', '_'),
            ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = s, Key = "value" } },
        })]);
    }

    private static PartialObjectMetadata<V1Secret> Meta(string ns, string name) =>
        new() { Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = "1" } };

    private async Task<(InformerCache<T> Cache, ChannelWriter<object> Watch)> RunInformerAsync<T>(params T[] items)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var listWatch = new ScriptedListWatch<T>();
        listWatch.EnqueueList("1", items);
        var watch = listWatch.NextWatch();
        var informer = new Informer<T>(listWatch, time: new FakeTimeProvider());
        var cache = new InformerCache<T>();
        cache.Attach(informer);
        var stop = new CancellationTokenSource();
        informers.Add((stop, watch, informer.RunAsync(stop.Token)));
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return (cache, watch);
    }

    [SetUp]
    public async Task StartInformers()
    {
        gets = 0;
        (sandboxes, sandboxWatch) = await RunInformerAsync(UsingSecrets("a", "shared", "only-a"), UsingSecrets("b", "shared"));
        (secretMetadata, _) = await RunInformerAsync(Meta("team-a", "shared"), Meta("team-a", "only-a"), Meta(Home, DefaultToken));
    }

    [TearDown]
    public async Task StopInformers()
    {
        foreach (var (stop, watch, run) in informers)
        {
            await stop.CancelAsync();
            watch.TryComplete();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
            stop.Dispose();
        }

        informers.Clear();
    }

    private (KubernetesReferenceReader Reader, ReadThroughCache<V1Secret> Secrets) NewReader()
    {
        var secrets = new ReadThroughCache<V1Secret>(
            secretMetadata,
            (ns, name, _) =>
            {
                Interlocked.Increment(ref gets);
                return Task.FromResult<V1Secret?>(new V1Secret { Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = "1" } });
            },
            _ => 1);
        var configMaps = new ReadThroughCache<V1ConfigMap>(new InformerCache<PartialObjectMetadata<V1ConfigMap>>(), (_, _, _) => Task.FromResult<V1ConfigMap?>(null), _ => 1);
        var reader = new KubernetesReferenceReader(secrets, configMaps, sandboxes, Index);
        // Handlers run in the order they were added: once this one has seen an event, the reader has handled it.
        sandboxes.OnChange(_ => Interlocked.Increment(ref sandboxEvents));
        return (reader, secrets);
    }

    /// <summary>The operator's implicit config: its token Secret is Home/DefaultToken.</summary>
    private static ReferenceIndex Index => new(Access);

    private static AccessResolver Access => new(
        new NoConfigs(), new AccessOptions { DefaultProjectId = "default-project", DefaultCredentialsNamespace = Home, DefaultCredentialsSecretName = DefaultToken });

    [Test]
    public async Task A_template_s_env_references_count_as_its_Sandboxes_own_in_its_namespace_only()
    {
        static SandboxTemplate Template(string ns, string secret) => new()
        {
            Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = ns, ResourceVersion = "1" },
            Spec = new SandboxTemplateSpec
            {
                Image = "python:3.12-slim",
                Env = [new SandboxEnvVar { Name = "KEY", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = secret, Key = "k" } } }],
            },
        };
        var (templates, _) = await RunInformerAsync(Template("team-a", "from-template"), Template("team-b", "other-team"));
        var index = new ReferenceIndex(Access, templates);
        var sandbox = new Sandbox
        {
            Metadata = new V1ObjectMeta { Name = "t", NamespaceProperty = "team-a" },
            Spec = new SandboxSpec { TemplateRef = new TemplateReference { Name = "agent" } },
        };

        Assert.That(index.SecretsUsedBy(sandbox), Does.Contain(new ObjectKey("team-a", "from-template")).And.Not.Contain(new ObjectKey("team-b", "other-team")));
    }

    [Test]
    public async Task A_config_named_by_a_template_counts_the_template_s_Sandboxes_against_its_quota()
    {
        var (templates, _) = await RunInformerAsync(new SandboxTemplate
        {
            Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = "team-a", ResourceVersion = "1" },
            Spec = new SandboxTemplateSpec { Image = "python:3.12-slim", ConfigRef = new ConfigReference { Name = "limited" } },
        });
        var (sandboxes, _) = await RunInformerAsync(new Sandbox
        {
            Metadata = new V1ObjectMeta { Name = "t", NamespaceProperty = "team-a", Uid = "u", ResourceVersion = "1" },
            Spec = new SandboxSpec { TemplateRef = new TemplateReference { Name = "agent" } },
        });
        var directory = new ConfigDirectory(new InformerCache<NorthflankConfig>(), new InformerCache<ClusterNorthflankConfig>(), sandboxes, templates);

        Assert.That(directory.All().Single().Spec.ConfigRef!.Name, Is.EqualTo("limited"));
        Assert.That(Access.KeyOf(directory.All().Single()).Name, Is.EqualTo("limited"));
    }

    private async Task SandboxWatchSaysAsync(WatchEventType type, Sandbox sandbox)
    {
        var seen = Volatile.Read(ref sandboxEvents);
        sandboxWatch.TryWrite(new EntityWatchEvent<Sandbox>(type, sandbox));
        await Eventually.True(() => Volatile.Read(ref sandboxEvents) > seen);
    }

    [Test]
    public async Task A_copy_is_dropped_when_the_last_sandbox_referring_to_it_goes_or_stops_referring_to_it()
    {
        var (reader, secrets) = NewReader();
        foreach (var (ns, name) in new[] { ("team-a", "shared"), ("team-a", "only-a"), (Home, DefaultToken) })
        {
            await reader.GetSecretAsync(ns, name, CancellationToken.None);
            await reader.GetSecretAsync(ns, name, CancellationToken.None);
        }

        Assert.That((gets, secrets.Count), Is.EqualTo((3, 3)), "one GET each, then from memory");

        await SandboxWatchSaysAsync(WatchEventType.Deleted, UsingSecrets("a", "shared", "only-a"));
        Assert.That(secrets.Count, Is.EqualTo(2), "only-a went with Sandbox a; b still uses shared and the default token");

        var b = UsingSecrets("b");
        b.Metadata.Generation = 2;
        b.Metadata.ResourceVersion = "101";
        await SandboxWatchSaysAsync(WatchEventType.Modified, b);
        Assert.That(secrets.Count, Is.EqualTo(1), "b's new spec no longer refers to shared");

        await SandboxWatchSaysAsync(WatchEventType.Deleted, b);
        Assert.That(secrets.Count, Is.Zero, "no Sandbox uses the default token any more");
    }

    [Test]
    public async Task A_status_write_keeps_everything()
    {
        var (reader, secrets) = NewReader();
        await reader.GetSecretAsync("team-a", "only-a", CancellationToken.None);
        var a = UsingSecrets("a");
        a.Metadata.ResourceVersion = "102"; // same generation: a status or metadata change, the spec is as before
        await SandboxWatchSaysAsync(WatchEventType.Modified, a);
        Assert.That(secrets.Count, Is.EqualTo(1));
    }

    [Test]
    public void The_mappers_find_sandboxes_by_name_and_namespace()
    {
        var store = sandboxes.Store!;
        Assert.Multiple(() =>
        {
            Assert.That(Index.SandboxesUsingSecret(new ObjectKey("team-a", "shared"), store).Select(k => k.Name).Order(), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(Index.SandboxesUsingSecret(new ObjectKey("team-a", "only-a"), store).Select(k => k.Name), Is.EqualTo(new[] { "a" }));
            Assert.That(Index.SandboxesUsingSecret(new ObjectKey(Home, DefaultToken), store).Count(), Is.EqualTo(2));
            Assert.That(Index.SandboxesUsingSecret(new ObjectKey("team-b", "shared"), store), Is.Empty);
            Assert.That(Index.SecretsUsedBy(UsingSecrets("a", "x")).Select(k => k.ToString()), Is.EqualTo(new[] { $"{Home}/{DefaultToken}", "team-a/x" }));
        });
    }

    private sealed class NoConfigs : INorthflankConfigs, ISandboxDirectory
    {
        public bool IsComplete => true;

        public NorthflankConfig? Namespaced(string @namespace, string name) => null;

        public ClusterNorthflankConfig? Cluster(string name) => null;

        public IReadOnlyList<Sandbox> All() => [];
    }
}
