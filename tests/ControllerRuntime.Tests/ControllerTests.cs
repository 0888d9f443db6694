using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

[TestFixture]
public class ControllerTests
{
    private static readonly ObjectKey KeyA = new("ns", "a");
    private FakeTimeProvider time = null!;
    private FakeEntityClient client = null!;
    private RecordingController user = null!;
    private ServiceProvider services = null!;
    private Controller<Widget> controller = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider();
        client = new FakeEntityClient();
        user = new RecordingController();
        services = new ServiceCollection()
            .AddSingleton<IEntityController<Widget>>(user)
            .AddSingleton<IEntityFinalizer<Widget>>(user)
            .BuildServiceProvider();
        controller = NewController();
    }

    [TearDown]
    public async Task TearDown()
    {
        controller.Queue.Dispose();
        await services.DisposeAsync();
    }

    private Controller<Widget> NewController(UpdatePredicate<Widget>? predicate = null) =>
        new("widgets", new ScriptedListWatch<Widget>(), client, services.GetRequiredService<IServiceScopeFactory>(), new ControllerOptions(), predicate, time);

    /// <summary>Puts an object in the informer cache and in the fake API server.</summary>
    private void Seed(Widget widget)
    {
        client.Objects[ObjectKey.Of(widget)] = widget;
        controller.Informer.Replace("ns", [Copy(widget)]);
    }

    private static Widget Copy(Widget w) => k8s.KubernetesJson.Deserialize<Widget>(k8s.KubernetesJson.Serialize(w));

    private static Widget Deleting(Widget w)
    {
        w.Metadata.DeletionTimestamp = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return w;
    }

    [Test]
    public async Task Adds_finalizer_before_first_reconcile()
    {
        Seed(Widget.Make("ns", "a", "1"));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(client.Calls, Has.Count.EqualTo(1));
            Assert.That(client.Calls[0], Does.Contain("\"op\":\"test\"").And.Contain("/metadata/resourceVersion").And.Contain(RecordingController.FinalizerId));
            Assert.That(user.Calls, Is.EqualTo(new[] { $"reconcile:a:[{RecordingController.FinalizerId}]" }));
        });
    }

    [Test]
    public async Task Adding_finalizer_keeps_others_and_tests_current_list()
    {
        Seed(Widget.Make("ns", "a", "1", "other.io/keep"));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(client.Calls[0], Does.Contain("/metadata/finalizers/-").And.Contain("\"value\":[\"other.io/keep\"]"));
            Assert.That(client.Objects[KeyA].Metadata.Finalizers, Is.EqualTo(new[] { "other.io/keep", RecordingController.FinalizerId }));
        });
    }

    [Test]
    public async Task No_reconcile_when_finalizer_cannot_be_added()
    {
        Seed(Widget.Make("ns", "a"));
        client.FailPatch = _ => new IOException("apiserver unavailable");
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(user.Calls, Is.Empty);
            Assert.That(controller.Queue.NumRequeues(KeyA), Is.EqualTo(1));
            Assert.That(controller.Queue.DelayedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Reconciles_without_patch_when_finalizer_present()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(client.Calls, Is.Empty);
            Assert.That(user.Calls, Is.EqualTo(new[] { $"reconcile:a:[{RecordingController.FinalizerId}]" }));
        });
    }

    [Test]
    public async Task Finalizes_only_when_deleting_and_removes_finalizer_on_success()
    {
        Seed(Deleting(Widget.Make("ns", "a", "1", "other.io/keep", RecordingController.FinalizerId)));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(user.Calls, Is.EqualTo(new[] { "finalize:a" }));
            Assert.That(client.Calls, Has.Count.EqualTo(1));
            Assert.That(client.Calls[0], Does.Contain("\"op\":\"remove\"").And.Contain("/metadata/finalizers/1"));
            Assert.That(client.Objects[KeyA].Metadata.Finalizers, Is.EqualTo(new[] { "other.io/keep" }));
        });
    }

    [Test]
    public async Task Deleting_without_our_finalizer_does_nothing()
    {
        Seed(Deleting(Widget.Make("ns", "a", "1", "other.io/keep")));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(user.Calls, Is.Empty);
            Assert.That(client.Calls, Is.Empty);
        });
    }

    [Test]
    public async Task Finalizer_kept_when_finalize_fails()
    {
        user.OnFinalize = _ => ReconcileResult.Failure(new InvalidOperationException("the external API is down"));
        Seed(Deleting(Widget.Make("ns", "a", "1", RecordingController.FinalizerId)));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(client.Calls, Is.Empty);
            Assert.That(controller.Queue.NumRequeues(KeyA), Is.EqualTo(1));
            Assert.That(controller.Queue.DelayedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Finalizer_kept_when_finalize_asks_for_requeue()
    {
        user.OnFinalize = _ => ReconcileResult.Requeue(TimeSpan.FromSeconds(5));
        Seed(Deleting(Widget.Make("ns", "a", "1", RecordingController.FinalizerId)));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(client.Calls, Is.Empty);
            Assert.That(controller.Queue.NumRequeues(KeyA), Is.Zero);
            Assert.That(controller.Queue.DelayedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Failures_back_off_and_success_forgets()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        var calls = 0;
        user.OnReconcile = _ => ++calls switch
        {
            1 => ReconcileResult.Failure(new InvalidOperationException("boom")),
            2 => throw new InvalidOperationException("thrown"),
            _ => ReconcileResult.Success(),
        };
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(controller.Queue.NumRequeues(KeyA), Is.EqualTo(1));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(controller.Queue.NumRequeues(KeyA), Is.EqualTo(2), "an exception counts as a failure");
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(controller.Queue.NumRequeues(KeyA), Is.Zero);
    }

    [Test]
    public async Task Failure_never_retries_before_retry_after()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        _ = controller.Queue.GetAsync(CancellationToken.None).Result; // take the event-driven add, as a worker would
        user.OnReconcile = _ => ReconcileResult.Failure(new InvalidOperationException("429"), TimeSpan.FromSeconds(60));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        controller.Queue.Done(KeyA);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(controller.Queue.Count, Is.Zero);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(controller.Queue.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Requeue_after_forgets_backoff_and_schedules()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        controller.Queue.NextBackoff(KeyA);
        user.OnReconcile = _ => ReconcileResult.Requeue(TimeSpan.FromMinutes(1));
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(controller.Queue.NumRequeues(KeyA), Is.Zero);
            Assert.That(controller.Queue.DelayedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Conflict_is_retried_quietly_with_backoff()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        user.OnReconcile = _ => throw new ConflictException("stale resourceVersion");
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(controller.Queue.NumRequeues(KeyA), Is.EqualTo(1));
    }

    [Test]
    public async Task Gone_object_calls_deleted_once_with_last_known_state()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        controller.Informer.Replace("ns", []);
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        await controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(user.Calls, Is.EqualTo(new[] { "deleted:a" }));
    }

    [Test]
    public void Secondary_mapper_enqueues_referencing_primaries()
    {
        var secrets = new ScriptedListWatch<V1Secret>();
        var informer = controller.Watch<V1Secret>(secrets, (secret, widgets) =>
            widgets.ListByNamespace(secret.Metadata.NamespaceProperty)
                .Where(w => w.Spec == secret.Metadata.Name)
                .Select(ObjectKey.Of));
        var a = Widget.Make("ns", "a");
        a.Spec = "creds";
        var b = Widget.Make("ns", "b");
        b.Spec = "other";
        var c = Widget.Make("ns", "c");
        c.Spec = "creds";
        controller.Informer.Replace("ns", [a, b, c]);
        while (controller.Queue.Count > 0)
        {
            var (key, _) = controller.Queue.GetAsync(CancellationToken.None).Result;
            controller.Queue.Done(key);
        }

        informer.Replace("ns", [new V1Secret { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "creds", ResourceVersion = "1" } }]);

        var enqueued = new List<ObjectKey>();
        while (controller.Queue.Count > 0)
        {
            enqueued.Add(controller.Queue.GetAsync(CancellationToken.None).Result.Item);
        }

        Assert.That(enqueued.Select(k => k.ToString()).Order(), Is.EqualTo(new[] { "ns/a", "ns/c" }));
    }

    [Test]
    public void Secondary_predicate_skips_the_updates_it_refuses_but_never_adds_or_deletes()
    {
        var secrets = new ScriptedListWatch<V1Secret>();
        var informer = controller.Watch<V1Secret>(secrets, (secret, _) => [new ObjectKey(secret.Metadata.NamespaceProperty, "a")], predicate: Predicates.GenerationOrMetadataChanged);
        var secret = new V1Secret { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "creds", ResourceVersion = "1", Generation = 1 } };
        informer.Replace("ns", [secret]);
        Assert.That(controller.Queue.Count, Is.EqualTo(1), "an add");
        controller.Queue.Done(controller.Queue.GetAsync(CancellationToken.None).Result.Item);

        informer.Replace("ns", [new V1Secret { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "creds", ResourceVersion = "2", Generation = 1 } }]);
        Assert.That(controller.Queue.Count, Is.Zero, "same generation");

        informer.Replace("ns", [new V1Secret { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "creds", ResourceVersion = "3", Generation = 2 } }]);
        Assert.That(controller.Queue.Count, Is.EqualTo(1), "a new generation");
        controller.Queue.Done(controller.Queue.GetAsync(CancellationToken.None).Result.Item);

        informer.Replace("ns", []);
        Assert.That(controller.Queue.Count, Is.EqualTo(1), "a delete");
    }

    [Test]
    public void Update_predicate_can_skip_status_only_updates()
    {
        controller.Queue.Dispose();
        controller = NewController(Predicates.GenerationOrMetadataChanged);
        var w = Widget.Make("ns", "a", "1");
        w.Metadata.Generation = 1;
        controller.Informer.Replace("ns", [w]);
        controller.Queue.GetAsync(CancellationToken.None).Result.Item.ToString();
        controller.Queue.Done(KeyA);

        var statusOnly = Copy(w);
        statusOnly.Metadata.ResourceVersion = "2";
        controller.Informer.Replace("ns", [statusOnly]);
        Assert.That(controller.Queue.Count, Is.Zero);

        var specChange = Copy(statusOnly);
        specChange.Metadata.ResourceVersion = "3";
        specChange.Metadata.Generation = 2;
        controller.Informer.Replace("ns", [specChange]);
        Assert.That(controller.Queue.Count, Is.EqualTo(1));
    }

    [Test]
    public void Without_predicate_every_change_enqueues()
    {
        var w = Widget.Make("ns", "a", "1");
        controller.Informer.Replace("ns", [w]);
        controller.Queue.GetAsync(CancellationToken.None).Result.Item.ToString();
        controller.Queue.Done(KeyA);
        var statusOnly = Copy(w);
        statusOnly.Metadata.ResourceVersion = "2";
        controller.Informer.Replace("ns", [statusOnly]);
        Assert.That(controller.Queue.Count, Is.EqualTo(1));
    }
}
