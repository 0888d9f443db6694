using k8s.Models;

namespace ControllerRuntime.Tests;

/// <summary>A burst of events takes turns at the API server instead of racing the writes that matter.</summary>
[TestFixture]
public class EventRecorderBurstTests
{
    /// <summary>Holds every create until released, and remembers how many were in flight at most.</summary>
    private sealed class GatedSink : IEventSink
    {
        private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int inFlight;

        public int MostInFlight { get; private set; }

        public List<string> Created { get; } = [];

        public async Task CreateAsync(Corev1Event ev, CancellationToken ct)
        {
            lock (Created)
            {
                MostInFlight = Math.Max(MostInFlight, ++inFlight);
            }

            await open.Task.WaitAsync(ct);
            lock (Created)
            {
                inFlight--;
                Created.Add(ev.Reason);
            }
        }

        public Task PatchAsync(string @namespace, string name, V1Patch patch, CancellationToken ct) => Task.CompletedTask;

        public void Open() => open.SetResult();
    }

    [Test]
    public async Task A_burst_of_events_is_written_a_few_at_a_time_and_all_arrive()
    {
        var sink = new GatedSink();
        var recorder = new EventRecorder(sink, new EventRecorderOptions { MaxWritesInFlight = 2 });
        var writes = Enumerable.Range(0, 20)
            .Select(i => recorder.RecordAsync(Widget.Make("ns", $"w{i}"), EventType.Normal, "Ready", "ready"))
            .ToList();

        await Eventually.True(() => sink.MostInFlight == 2);
        sink.Open();
        await Task.WhenAll(writes);

        Assert.Multiple(() =>
        {
            Assert.That(sink.MostInFlight, Is.EqualTo(2), "never more than MaxWritesInFlight at the API server");
            Assert.That(sink.Created, Has.Count.EqualTo(20), "waiting is not losing");
        });
    }

    [Test]
    public async Task Events_beyond_the_waiting_room_are_dropped_and_the_recorder_keeps_working()
    {
        var sink = new GatedSink();
        var recorder = new EventRecorder(sink, new EventRecorderOptions { MaxWritesInFlight = 1, MaxWritesWaiting = 3 });
        var writes = Enumerable.Range(0, 5)
            .Select(i => recorder.RecordAsync(Widget.Make("ns", $"w{i}"), EventType.Normal, "Ready", "ready"))
            .ToList();

        sink.Open();
        await Task.WhenAll(writes);
        await recorder.RecordAsync(Widget.Make("ns", "later"), EventType.Normal, "Ready", "ready");

        Assert.That(sink.Created, Has.Count.EqualTo(4), "three waited their turn, two were dropped, and a later one is written");
    }
}
