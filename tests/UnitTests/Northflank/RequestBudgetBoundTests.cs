using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

/// <summary>The bounded wait, the spread of callers put off, and the cap on pauses, on a fake clock.</summary>
[TestFixture]
public sealed class RequestBudgetBoundTests
{
    // 3600 an hour at full headroom: one request a second.
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private FakeTimeProvider time = null!;

    [SetUp]
    public void SetUp() => time = new FakeTimeProvider();

    [Test]
    public void A_caller_that_would_wait_longer_than_the_bound_is_told_when_it_would_be_served_and_not_queued()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        var start = time.GetUtcNow();
        var queued = Enumerable.Range(0, 6).Select(_ => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None).AsTask()).ToList();

        var putOff = CatchAs("sandbox-a", () => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None));
        var next = CatchAs("sandbox-b", () => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(queued[0].IsCompletedSuccessfully, Is.True, "the burst");
            Assert.That(queued.Skip(1).Any(t => t.IsCompleted), Is.False, "1 to 5 s away: within the bound, they wait");
            Assert.That(putOff.IsThrottled, Is.True);
            Assert.That(putOff.ServedAt, Is.EqualTo(start + 6 * Second), "after the five queued before it");
            Assert.That(putOff.RetryAfter, Is.EqualTo(6 * Second));
            Assert.That(next.ServedAt, Is.EqualTo(start + 7 * Second), "put-off callers are spread one interval apart");
            Assert.That(budget.Waiting, Is.EqualTo(5), "the put-off callers hold no place in the queue");
        });

        for (var i = 0; i < 5; i++)
        {
            time.Advance(Second);
        }

        Assert.That(queued.All(t => t.IsCompletedSuccessfully), Is.True, "each served at its second, within the bound");
    }

    [Test]
    public async Task While_the_server_says_the_account_is_short_put_off_callers_are_spread_at_the_slower_rate()
    {
        // One a second on its own; the server says 10 are left for the next 100 s: after this one, 9 in 100 s.
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        budget.Correct(10, time.GetUtcNow() + TimeSpan.FromSeconds(100), limit: 3600);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);

        var first = CatchAs("sandbox-a", () => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None));
        var second = CatchAs("sandbox-b", () => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None));

        Assert.That(second.ServedAt - first.ServedAt, Is.EqualTo(TimeSpan.FromSeconds(100.0 / 9)).Within(TimeSpan.FromMilliseconds(100)));
    }

    [Test]
    public async Task A_bounded_observe_is_served_within_its_bound_while_writes_keep_coming()
    {
        // Four workers keep writes waiting at every grant, as they do while hundreds of Sandboxes are created.
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);
        Task<TimeSpan> Write() => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None).AsTask();
        var writes = new List<Task<TimeSpan>> { Write(), Write() };
        var observe = budget.AcquireAsync(RequestPriority.Observe, Bound, CancellationToken.None).AsTask();
        var lateWrite = Task.FromResult(TimeSpan.Zero);

        for (var second = 1; second <= 5 && !observe.IsCompleted; second++)
        {
            time.Advance(Second);
            lateWrite = Write(); // the worker whose write was served comes with its next one
            writes.Add(lateWrite);
        }

        Assert.Multiple(() =>
        {
            Assert.That(observe.IsCompletedSuccessfully, Is.True, "served, not put off: the budget granted one a second throughout");
            Assert.That(observe.Result, Is.EqualTo(3 * Second), "at the first grant after half its bound");
            Assert.That(lateWrite.IsCompleted, Is.False, "a write that came after it was overdue did not overtake it");
            Assert.That(writes.Count(w => w.IsFaulted), Is.Zero, "and no write was put off for it");
        });
    }

    [Test]
    public void A_caller_put_off_keeps_its_place_however_often_it_asks_again_and_calls_for_nobody_take_none()
    {
        using var budget = new RequestBudget(3600, 1.0, 10, time);
        var end = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        budget.PauseFor(TimeSpan.FromMinutes(1));

        DateTimeOffset? As(string? caller)
        {
            using var scope = caller is null ? null : BudgetCaller.Is(caller);
            return Catch(() => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None)).ServedAt;
        }

        var a = As("sandbox-a");
        var aAgain = As("sandbox-a");
        var b = As("sandbox-b");
        var poll = As(null);
        var aOnceMore = As("sandbox-a");

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(end));
            Assert.That(aAgain, Is.EqualTo(end), "asked again before its time: same place");
            Assert.That(b, Is.EqualTo(end + Second), "the next caller, one request after");
            Assert.That(poll, Is.EqualTo(end), "a call for nobody in particular takes no place");
            Assert.That(aOnceMore, Is.EqualTo(end));
        });
    }

    [Test]
    public void Unbounded_callers_still_wait_as_long_as_it_takes()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        budget.PauseFor(TimeSpan.FromMinutes(1));

        var waiting = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(waiting.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void During_a_pause_every_bounded_caller_is_put_off_until_it_ends_and_then_one_interval_apart()
    {
        using var budget = new RequestBudget(3600, 1.0, 10, time);
        var end = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        budget.PauseFor(TimeSpan.FromMinutes(1));

        var servedAt = Enumerable.Range(0, 3).Select(i => CatchAs($"sandbox-{i}", () => budget.AcquireAsync(RequestPriority.Observe, Bound, CancellationToken.None)).ServedAt).ToList();

        Assert.That(servedAt, Is.EqualTo(new DateTimeOffset?[] { end, end + Second, end + 2 * Second }));
        Assert.That(budget.Waiting, Is.Zero);
    }

    [Test]
    public async Task A_queued_caller_overtaken_by_a_pause_leaves_at_its_deadline_with_the_new_time()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);
        var queued = budget.AcquireAsync(RequestPriority.Observe, Bound, CancellationToken.None).AsTask();
        Assert.That(queued.IsCompleted, Is.False);

        budget.PauseFor(TimeSpan.FromMinutes(2));
        time.Advance(Bound - TimeSpan.FromMilliseconds(1));
        Assert.That(queued.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var error = await CatchAsync(queued);
        Assert.Multiple(() =>
        {
            Assert.That(error.IsThrottled, Is.True);
            Assert.That(error.ServedAt, Is.GreaterThanOrEqualTo(budget.PausedUntil!.Value));
            Assert.That(budget.Waiting, Is.Zero);
        });
    }

    [Test]
    public void A_pause_longer_than_the_cap_is_cut_to_the_cap()
    {
        using var capped = new RequestBudget(3600, 1.0, 1, time, maxPause: TimeSpan.FromMinutes(2));
        using var byDefault = new RequestBudget(3600, 1.0, 1, time);

        capped.PauseFor(TimeSpan.FromHours(1));
        byDefault.PauseFor(TimeSpan.FromHours(1));

        Assert.That(capped.PausedUntil, Is.EqualTo(time.GetUtcNow() + TimeSpan.FromMinutes(2)));
        Assert.That(byDefault.PausedUntil, Is.EqualTo(time.GetUtcNow() + RequestBudget.DefaultMaxPause));
    }

    [Test]
    public async Task A_window_with_nothing_spare_pauses_for_the_cap_then_one_request_asks_again()
    {
        using var budget = new RequestBudget(3600, 1.0, 5, time);
        budget.Correct(0, time.GetUtcNow() + TimeSpan.FromHours(1), limit: 3600);
        Assert.That(budget.PausedUntil, Is.EqualTo(time.GetUtcNow() + RequestBudget.DefaultMaxPause));

        time.Advance(RequestBudget.DefaultMaxPause);
        await budget.AcquireAsync(RequestPriority.Observe, Bound, CancellationToken.None);
        Assert.That(budget.Granted, Is.EqualTo(1), "the server's count is doubted after the cap: one request asks again");

        // Its answer says the same: paused again, for the cap.
        budget.Correct(0, time.GetUtcNow() + TimeSpan.FromMinutes(55), limit: 3600);
        Assert.That(budget.PausedUntil, Is.EqualTo(time.GetUtcNow() + RequestBudget.DefaultMaxPause));
    }

    private static NorthflankApiException CatchAs(string caller, Func<ValueTask<TimeSpan>> acquire)
    {
        using var scope = BudgetCaller.Is(caller);
        return Catch(acquire);
    }

    private static NorthflankApiException Catch(Func<ValueTask<TimeSpan>> acquire)
    {
        var task = acquire().AsTask();
        Assert.That(task.IsFaulted, Is.True, "put off at once, not queued");
        return (NorthflankApiException)task.Exception!.InnerException!;
    }

    private static async Task<NorthflankApiException> CatchAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (NorthflankApiException ex)
        {
            return ex;
        }

        Assert.Fail("expected a throttled NorthflankApiException");
        throw new InvalidOperationException();
    }
}
