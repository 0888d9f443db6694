using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ControllerRuntime.Tests;

[KubernetesEntity(Group = "test.example.com", ApiVersion = "v1", Kind = "Gadget", PluralName = "gadgets")]
public sealed class Gadget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "test.example.com/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Gadget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    public static Gadget OwnedBy(string ns, string name, string rv, params V1OwnerReference[] owners) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = rv, Uid = $"uid-{name}", OwnerReferences = owners },
    };

    public static V1OwnerReference Controller(string name, string kind = "Widget", string apiVersion = "test.example.com/v1") =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = $"uid-{name}", Controller = true };
}

/// <summary>Owns: a change of an owned object wakes its controller owner, from the owned type's one shared informer.</summary>
[TestFixture]
public class OwnsTests
{
    [Test]
    public async Task A_change_of_an_owned_object_reconciles_its_owner_before_and_after_the_change()
    {
        var widgets = new ScriptedListWatch<Widget>();
        widgets.EnqueueList("1", Widget.Make("ns", "w1"), Widget.Make("ns", "w2"));
        widgets.NextWatch();
        var gadgets = new ScriptedListWatch<Gadget>();
        gadgets.EnqueueList("1");
        var gadgetEvents = gadgets.NextWatch();
        var gadgetInformer = new Informer<Gadget>(gadgets);
        var cache = new InformerCache<Gadget>();
        cache.Attach(gadgetInformer);
        var user = new RecordingController();
        await using var services = new ServiceCollection().AddSingleton<IEntityController<Widget>>(user).BuildServiceProvider();
        var controller = new Controller<Widget>("widgets", widgets, new FakeEntityClient(), services.GetRequiredService<IServiceScopeFactory>(), new ControllerOptions { Workers = 1 });
        controller.Owns(cache);

        using var cts = new CancellationTokenSource();
        var gadgetRun = gadgetInformer.RunAsync(cts.Token);
        var run = controller.RunAsync(cts.Token);
        await Eventually.True(() => Reconciled(user).Count == 2); // the list's two Added events
        var first = Gadget.OwnedBy("ns", "g", "2", Gadget.Controller("w1"));
        await gadgetEvents.WriteAsync(new EntityWatchEvent<Gadget>(WatchEventType.Added, first));
        await Eventually.True(() => Reconciled(user).Count == 3);
        await gadgetEvents.WriteAsync(new EntityWatchEvent<Gadget>(WatchEventType.Modified, Gadget.OwnedBy("ns", "g", "3", Gadget.Controller("w2"))));
        await Eventually.True(() => Reconciled(user).Count == 5);
        await cts.CancelAsync();
        await Task.WhenAll(run, gadgetRun).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(Reconciled(user)[2], Is.EqualTo("reconcile:w1:[]"), "the new gadget's owner");
            Assert.That(Reconciled(user).Skip(3), Is.EquivalentTo(new[] { "reconcile:w1:[]", "reconcile:w2:[]" }), "its old owner and its new one");
            Assert.That(gadgets.ListCalls, Is.EqualTo(1), "the gadgets were listed once, by their one informer");
            Assert.That(controller.Informers.Select(i => i.Name), Is.EqualTo(new[] { "Widget" }), "Owns opened no watch of its own");
        });
    }

    [Test]
    public void Only_a_controller_reference_to_the_owners_group_and_kind_names_an_owner()
    {
        var owner = EntityMetadata.For<Widget>();
        var gadget = Gadget.OwnedBy(
            "ns",
            "g",
            "1",
            Gadget.Controller("right", apiVersion: "test.example.com/v2"),
            Gadget.Controller("other-kind", kind: "Sprocket"),
            Gadget.Controller("other-group", apiVersion: "elsewhere.example.com/v1"),
            new V1OwnerReference { ApiVersion = "test.example.com/v1", Kind = "Widget", Name = "not-controller", Uid = "u" });

        Assert.That(Controller<Widget>.OwnerOf(gadget, owner), Is.EqualTo(new[] { new ObjectKey("ns", "right") }));
    }

    [Test]
    public async Task Owns_through_the_builder_shares_the_owned_types_cache_and_adds_no_informer()
    {
        await using var services = new ServiceCollection()
            .AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }))
            .AddOperatorRuntime(new OperatorRuntimeOptions { LeaderElection = new LeaderElectionOptions { Enabled = false } })
            .AddController<Widget, RecordingController>(controller => controller.Owns<Gadget>())
            .Services
            .BuildServiceProvider();

        var controller = services.GetServices<IControllerRegistration>().Single().Build(services);

        Assert.Multiple(() =>
        {
            Assert.That(controller.Informers.Select(i => i.Name), Is.EqualTo(new[] { "Widget" }));
            Assert.That(() => services.GetRequiredService<InformerCache<Gadget>>().WaitForSyncAsync(CancellationToken.None), Throws.InvalidOperationException, "nothing watches gadgets here");
        });
    }

    private static List<string> Reconciled(RecordingController user)
    {
        lock (user.Calls)
        {
            return [.. user.Calls];
        }
    }
}
