using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

/// <summary>
/// A fake clock that tells when code starts waiting on it: a test can wait for "the code under test now waits for its
/// timer" instead of sleeping and hoping it got there.
/// </summary>
internal sealed class SignalingTimeProvider : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _timers;

    /// <summary>Completes once <paramref name="count"/> timers have been created (now, if they have been already).</summary>
    public Task TimerStarted(int count)
    {
        lock (_lock)
        {
            if (_timers >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_lock)
        {
            _timers++;
            foreach (var (count, reached) in _waiters.Where(w => w.Count <= _timers).ToList())
            {
                reached.TrySetResult();
                _waiters.Remove((count, reached));
            }
        }

        return timer;
    }
}
