using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

/// <summary>
/// A fake clock that tells when code starts waiting on it: a test can wait for "the code under test now waits for its
/// timer" instead of sleeping and hoping it got there.
/// </summary>
internal sealed class SignalingTimeProvider : FakeTimeProvider
{
    private readonly Lock gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];
    private int timers;

    /// <summary>Completes once <paramref name="count"/> timers have been created (now, if they have been already).</summary>
    public Task TimerStarted(int count)
    {
        lock (gate)
        {
            if (timers >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((count, reached));
            return reached.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (gate)
        {
            timers++;
            foreach (var (count, reached) in waiters.Where(w => w.Count <= timers).ToList())
            {
                reached.TrySetResult();
                waiters.Remove((count, reached));
            }
        }

        return timer;
    }
}
