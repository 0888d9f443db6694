using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

[TestFixture]
public class EventRecorderTests
{
    private sealed class FakeSink : IEventSink
    {
        public List<Corev1Event> Created { get; } = [];

        public List<string> Patches { get; } = [];

        public Task CreateAsync(Corev1Event ev, CancellationToken ct)
        {
            Created.Add(ev);
            return Task.CompletedTask;
        }

        public Task PatchAsync(string @namespace, string name, V1Patch patch, CancellationToken ct)
        {
            Patches.Add($"{@namespace}/{name}:{patch.Content}");
            return Task.CompletedTask;
        }
    }

    [Test]
    public async Task Aggregates_identical_events_and_throttles_writes()
    {
        var sink = new FakeSink();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var recorder = new EventRecorder(sink, new EventRecorderOptions { MinUpdateInterval = TimeSpan.FromSeconds(10), ReportingComponent = "widget-operator", ReportingInstance = "pod-1" }, time);
        var widget = Widget.Make("ns", "a");

        await recorder.RecordAsync(widget, EventType.Warning, "SyncFailed", "boom");
        await recorder.RecordAsync(widget, EventType.Warning, "SyncFailed", "boom");
        await recorder.RecordAsync(widget, EventType.Warning, "SyncFailed", "boom");
        Assert.Multiple(() =>
        {
            Assert.That(sink.Created, Has.Count.EqualTo(1));
            Assert.That(sink.Patches, Is.Empty, "repeats within the update interval are only counted");
        });

        time.Advance(TimeSpan.FromSeconds(11));
        await recorder.RecordAsync(widget, EventType.Warning, "SyncFailed", "boom");
        await recorder.RecordAsync(widget, EventType.Normal, "Synced", "ok");

        var created = sink.Created[0];
        Assert.Multiple(() =>
        {
            Assert.That(sink.Patches, Has.Count.EqualTo(1));
            Assert.That(sink.Patches[0], Does.StartWith($"ns/{created.Metadata.Name}:").And.Contain("\"count\":4"));
            Assert.That(sink.Created, Has.Count.EqualTo(2));
            Assert.That(created.Type, Is.EqualTo("Warning"));
            Assert.That(created.Reason, Is.EqualTo("SyncFailed"));
            Assert.That(created.InvolvedObject.Kind, Is.EqualTo("Widget"));
            Assert.That(created.InvolvedObject.Uid, Is.EqualTo("uid-ns-a"));
            Assert.That(created.ReportingComponent, Is.EqualTo("widget-operator"));
            Assert.That(created.Count, Is.EqualTo(1));
        });
    }
}
