using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

[TestFixture]
public class ControllerTests
{
    private static readonly ObjectKey KeyA = new("ns", "a");
    private FakeTimeProvider _time = null!;
    private FakeEntityClient _client = null!;
    private RecordingController _user = null!;
    private ServiceProvider _services = null!;
    private Controller<Widget> _controller = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _client = new FakeEntityClient();
        _user = new RecordingController();
        _services = new ServiceCollection()
            .AddSingleton<IEntityController<Widget>>(_user)
            .AddSingleton<IEntityFinalizer<Widget>>(_user)
            .BuildServiceProvider();
        _controller = NewController();
    }

    [TearDown]
    public async Task TearDown()
    {
        _controller.Queue.Dispose();
        await _services.DisposeAsync();
    }

    private Controller<Widget> NewController(UpdatePredicate<Widget>? predicate = null) =>
        new("widgets", new ScriptedListWatch<Widget>(), _client, _services.GetRequiredService<IServiceScopeFactory>(), new ControllerOptions(), predicate, _time);

    /// <summary>Puts an object in the informer cache and in the fake API server.</summary>
    private void Seed(Widget widget)
    {
        _client.Objects[ObjectKey.Of(widget)] = widget;
        _controller.Informer.Replace("ns", [Copy(widget)]);
    }

    private static Widget Copy(Widget w) => k8s.KubernetesJson.Deserialize<Widget>(k8s.KubernetesJson.Serialize(w));

    private static Widget Deleting(Widget w)
    {
        w.Metadata.DeletionTimestamp = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return w;
    }

    [Test]
    public async Task AddsFinalizerBeforeFirstReconcile()
    {
        Seed(Widget.Make("ns", "a", "1"));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_client.Calls, Has.Count.EqualTo(1));
            Assert.That(_client.Calls[0], Does.Contain("\"op\":\"test\"").And.Contain("/metadata/resourceVersion").And.Contain(RecordingController.FinalizerId));
            Assert.That(_user.Calls, Is.EqualTo(new[] { $"reconcile:a:[{RecordingController.FinalizerId}]" }));
        });
    }

    [Test]
    public async Task AddingFinalizerKeepsOthersAndTestsCurrentList()
    {
        Seed(Widget.Make("ns", "a", "1", "other.io/keep"));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_client.Calls[0], Does.Contain("/metadata/finalizers/-").And.Contain("\"value\":[\"other.io/keep\"]"));
            Assert.That(_client.Objects[KeyA].Metadata.Finalizers, Is.EqualTo(new[] { "other.io/keep", RecordingController.FinalizerId }));
        });
    }

    [Test]
    public async Task NoReconcileWhenFinalizerCannotBeAdded()
    {
        Seed(Widget.Make("ns", "a"));
        _client.FailPatch = _ => new IOException("apiserver unavailable");
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_user.Calls, Is.Empty);
            Assert.That(_controller.Queue.NumRequeues(KeyA), Is.EqualTo(1));
            Assert.That(_controller.Queue.DelayedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ReconcilesWithoutPatchWhenFinalizerPresent()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_client.Calls, Is.Empty);
            Assert.That(_user.Calls, Is.EqualTo(new[] { $"reconcile:a:[{RecordingController.FinalizerId}]" }));
        });
    }

    [Test]
    public async Task FinalizesOnlyWhenDeletingAndRemovesFinalizerOnSuccess()
    {
        Seed(Deleting(Widget.Make("ns", "a", "1", "other.io/keep", RecordingController.FinalizerId)));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_user.Calls, Is.EqualTo(new[] { "finalize:a" }));
            Assert.That(_client.Calls, Has.Count.EqualTo(1));
            Assert.That(_client.Calls[0], Does.Contain("\"op\":\"remove\"").And.Contain("/metadata/finalizers/1"));
            Assert.That(_client.Objects[KeyA].Metadata.Finalizers, Is.EqualTo(new[] { "other.io/keep" }));
        });
    }

    [Test]
    public async Task DeletingWithoutOurFinalizerDoesNothing()
    {
        Seed(Deleting(Widget.Make("ns", "a", "1", "other.io/keep")));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_user.Calls, Is.Empty);
            Assert.That(_client.Calls, Is.Empty);
        });
    }

    [Test]
    public async Task FinalizerKeptWhenFinalizeFails()
    {
        _user.OnFinalize = _ => ReconcileResult.Failure(new InvalidOperationException("the external API is down"));
        Seed(Deleting(Widget.Make("ns", "a", "1", RecordingController.FinalizerId)));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_client.Calls, Is.Empty);
            Assert.That(_controller.Queue.NumRequeues(KeyA), Is.EqualTo(1));
            Assert.That(_controller.Queue.DelayedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task FinalizerKeptWhenFinalizeAsksForRequeue()
    {
        _user.OnFinalize = _ => ReconcileResult.Requeue(TimeSpan.FromSeconds(5));
        Seed(Deleting(Widget.Make("ns", "a", "1", RecordingController.FinalizerId)));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_client.Calls, Is.Empty);
            Assert.That(_controller.Queue.NumRequeues(KeyA), Is.Zero);
            Assert.That(_controller.Queue.DelayedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task FailuresBackOffAndSuccessForgets()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        var calls = 0;
        _user.OnReconcile = _ => ++calls switch
        {
            1 => ReconcileResult.Failure(new InvalidOperationException("boom")),
            2 => throw new InvalidOperationException("thrown"),
            _ => ReconcileResult.Success(),
        };
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(_controller.Queue.NumRequeues(KeyA), Is.EqualTo(1));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(_controller.Queue.NumRequeues(KeyA), Is.EqualTo(2), "an exception counts as a failure");
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(_controller.Queue.NumRequeues(KeyA), Is.Zero);
    }

    [Test]
    public async Task FailureNeverRetriesBeforeRetryAfter()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        _ = _controller.Queue.GetAsync(CancellationToken.None).Result; // take the event-driven add, as a worker would
        _user.OnReconcile = _ => ReconcileResult.Failure(new InvalidOperationException("429"), TimeSpan.FromSeconds(60));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        _controller.Queue.Done(KeyA);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(_controller.Queue.Count, Is.Zero);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_controller.Queue.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task RequeueAfterForgetsBackoffAndSchedules()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        _controller.Queue.NextBackoff(KeyA);
        _user.OnReconcile = _ => ReconcileResult.Requeue(TimeSpan.FromMinutes(1));
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(_controller.Queue.NumRequeues(KeyA), Is.Zero);
            Assert.That(_controller.Queue.DelayedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ConflictIsRetriedQuietlyWithBackoff()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        _user.OnReconcile = _ => throw new ConflictException("stale resourceVersion");
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(_controller.Queue.NumRequeues(KeyA), Is.EqualTo(1));
    }

    [Test]
    public async Task GoneObjectCallsDeletedOnceWithLastKnownState()
    {
        Seed(Widget.Make("ns", "a", "1", RecordingController.FinalizerId));
        _controller.Informer.Replace("ns", []);
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        await _controller.ProcessAsync(KeyA, CancellationToken.None);
        Assert.That(_user.Calls, Is.EqualTo(new[] { "deleted:a" }));
    }

    [Test]
    public void SecondaryMapperEnqueuesReferencingPrimaries()
    {
        var secrets = new ScriptedListWatch<V1Secret>();
        var informer = _controller.Watch<V1Secret>(secrets, (secret, widgets) =>
            widgets.ListByNamespace(secret.Metadata.NamespaceProperty)
                .Where(w => w.Spec == secret.Metadata.Name)
                .Select(ObjectKey.Of));
        var a = Widget.Make("ns", "a");
        a.Spec = "creds";
        var b = Widget.Make("ns", "b");
        b.Spec = "other";
        var c = Widget.Make("ns", "c");
        c.Spec = "creds";
        _controller.Informer.Replace("ns", [a, b, c]);
        while (_controller.Queue.Count > 0)
        {
            var (key, _) = _controller.Queue.GetAsync(CancellationToken.None).Result;
            _controller.Queue.Done(key);
        }

        informer.Replace("ns", [new V1Secret { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "creds", ResourceVersion = "1" } }]);

        var enqueued = new List<ObjectKey>();
        while (_controller.Queue.Count > 0)
        {
            enqueued.Add(_controller.Queue.GetAsync(CancellationToken.None).Result.Item);
        }

        Assert.That(enqueued.Select(k => k.ToString()).Order(), Is.EqualTo(new[] { "ns/a", "ns/c" }));
    }

    [Test]
    public void UpdatePredicateCanSkipStatusOnlyUpdates()
    {
        _controller.Queue.Dispose();
        _controller = NewController(Predicates.GenerationOrMetadataChanged);
        var w = Widget.Make("ns", "a", "1");
        w.Metadata.Generation = 1;
        _controller.Informer.Replace("ns", [w]);
        _controller.Queue.GetAsync(CancellationToken.None).Result.Item.ToString();
        _controller.Queue.Done(KeyA);

        var statusOnly = Copy(w);
        statusOnly.Metadata.ResourceVersion = "2";
        _controller.Informer.Replace("ns", [statusOnly]);
        Assert.That(_controller.Queue.Count, Is.Zero);

        var specChange = Copy(statusOnly);
        specChange.Metadata.ResourceVersion = "3";
        specChange.Metadata.Generation = 2;
        _controller.Informer.Replace("ns", [specChange]);
        Assert.That(_controller.Queue.Count, Is.EqualTo(1));
    }

    [Test]
    public void WithoutPredicateEveryChangeEnqueues()
    {
        var w = Widget.Make("ns", "a", "1");
        _controller.Informer.Replace("ns", [w]);
        _controller.Queue.GetAsync(CancellationToken.None).Result.Item.ToString();
        _controller.Queue.Done(KeyA);
        var statusOnly = Copy(w);
        statusOnly.Metadata.ResourceVersion = "2";
        _controller.Informer.Replace("ns", [statusOnly]);
        Assert.That(_controller.Queue.Count, Is.EqualTo(1));
    }
}
