using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

[TestFixture]
public sealed class RequestBudgetTests
{
    // 3600 an hour at full headroom: one request a second, which keeps the arithmetic readable.
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private FakeTimeProvider time = null!;

    [SetUp]
    public void SetUp() => time = new FakeTimeProvider();

    [Test]
    public void Sizes_the_rate_from_the_hourly_limit_and_headroom()
    {
        using var budget = new RequestBudget(1000, 0.9, 20, time);

        Assert.Multiple(() =>
        {
            Assert.That(budget.EffectiveRequestsPerHour, Is.EqualTo(900));
            Assert.That(budget.Interval, Is.EqualTo(TimeSpan.FromSeconds(4)));
            Assert.That(budget.Remaining, Is.EqualTo(20));
        });
    }

    [Test]
    public void Serves_the_burst_at_once_then_one_per_interval()
    {
        using var budget = new RequestBudget(3600, 1.0, 3, time);

        var first = Enumerable.Range(0, 3).Select(_ => budget.AcquireAsync(RequestPriority.Observe, CancellationToken.None)).ToList();
        var fourth = budget.AcquireAsync(RequestPriority.Observe, CancellationToken.None).AsTask();

        Assert.That(first.All(t => t.IsCompletedSuccessfully), Is.True);
        Assert.That(fourth.IsCompleted, Is.False);
        Assert.That(budget.Waiting, Is.EqualTo(1));

        time.Advance(Second - TimeSpan.FromMilliseconds(1));
        Assert.That(fourth.IsCompleted, Is.False);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(fourth.IsCompletedSuccessfully, Is.True);
        Assert.That(fourth.Result, Is.EqualTo(Second), "the caller learns how long it waited");
        Assert.That(budget.TotalWaitTime, Is.EqualTo(Second));
    }

    [Test]
    public async Task Serves_waiting_writes_before_observe_before_background_and_fifo_within_a_priority()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);

        // Arrival order deliberately the reverse of priority.
        var background = budget.AcquireAsync(RequestPriority.Background, CancellationToken.None).AsTask();
        var observe1 = budget.AcquireAsync(RequestPriority.Observe, CancellationToken.None).AsTask();
        var observe2 = budget.AcquireAsync(RequestPriority.Observe, CancellationToken.None).AsTask();
        var write1 = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        var write2 = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        var all = new[] { background, observe1, observe2, write1, write2 };

        var order = new List<Task<TimeSpan>>();
        for (var i = 0; i < all.Length; i++)
        {
            time.Advance(Second);
            var done = all.Where(t => t.IsCompleted && !order.Contains(t)).ToList();
            Assert.That(done, Has.Count.EqualTo(1), $"exactly one grant per interval (step {i})");
            order.Add(done[0]);
        }

        Assert.That(order, Is.EqualTo(new[] { write1, write2, observe1, observe2, background }));
    }

    [Test]
    public async Task A_confirm_goes_before_waiting_writes_but_takes_at_most_one_grant_in_four()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);

        var writes = Enumerable.Range(0, 8).Select(_ => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask()).ToList();
        var confirms = Enumerable.Range(0, 3).Select(_ => budget.AcquireAsync(RequestPriority.Confirm, CancellationToken.None).AsTask()).ToList();
        var all = writes.Concat(confirms).ToList();

        var order = new List<string>();
        for (var i = 0; i < all.Count; i++)
        {
            time.Advance(Second);
            var done = all.Where(t => t.IsCompleted).Except(order.Select(o => all[int.Parse(o[1..])])).ToList();
            Assert.That(done, Has.Count.EqualTo(1), $"exactly one grant per interval (step {i})");
            var index = all.IndexOf(done[0]);
            order.Add((index < writes.Count ? "w" : "c") + index);
        }

        // No confirm went for a while, so the first goes at once; then one in every four grants, and the writes finish.
        Assert.That(string.Concat(order.Select(o => o[0])), Is.EqualTo("cwwwcwwwcww"));
    }

    [Test]
    public void A_confirm_with_no_one_else_waiting_is_served_at_once()
    {
        using var budget = new RequestBudget(3600, 1.0, 2, time);

        var confirm1 = budget.AcquireAsync(RequestPriority.Confirm, CancellationToken.None);
        var confirm2 = budget.AcquireAsync(RequestPriority.Confirm, CancellationToken.None);

        Assert.That(confirm1.IsCompletedSuccessfully && confirm2.IsCompletedSuccessfully, Is.True, "the share binds only while others wait");
    }

    [Test]
    public void Never_exceeds_the_configured_rate_under_contention()
    {
        const int burst = 5;
        using var budget = new RequestBudget(3600, 1.0, burst, time);
        var random = new Random(42);
        var priorities = Enum.GetValues<RequestPriority>();
        var tasks = Enumerable.Range(0, 120)
            .Select(_ => budget.AcquireAsync(priorities[random.Next(priorities.Length)], CancellationToken.None).AsTask())
            .ToList();

        var step = TimeSpan.FromMilliseconds(250);
        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromSeconds(60))
        {
            time.Advance(step);
            elapsed += step;
            var done = tasks.Count(t => t.IsCompleted);
            var allowed = burst + (int)(elapsed.Ticks / Second.Ticks);
            Assert.That(done, Is.LessThanOrEqualTo(allowed), $"after {elapsed}");
            Assert.That(budget.Granted, Is.EqualTo(done));
        }

        // And it does not hold back either: every request the rate allows went out.
        Assert.That(tasks.Count(t => t.IsCompleted), Is.EqualTo(burst + 60));
    }

    [Test]
    public void Refills_no_further_than_the_burst()
    {
        using var budget = new RequestBudget(3600, 1.0, 4, time);
        time.Advance(TimeSpan.FromHours(2));

        Assert.That(budget.Remaining, Is.EqualTo(4));
    }

    [Test]
    public void A_pause_stops_every_caller_until_it_has_passed()
    {
        using var budget = new RequestBudget(3600, 1.0, 10, time);
        budget.PauseFor(TimeSpan.FromSeconds(30));

        Assert.That(budget.Remaining, Is.Zero);
        Assert.That(budget.PausedUntil, Is.EqualTo(time.GetUtcNow() + TimeSpan.FromSeconds(30)));
        var write = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        var observe = budget.AcquireAsync(RequestPriority.Observe, CancellationToken.None).AsTask();

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(write.IsCompleted || observe.IsCompleted, Is.False);

        time.Advance(Second);
        Assert.That(write.IsCompleted, Is.True, "one request is available when the pause ends");
        Assert.That(observe.IsCompleted, Is.False, "the rest come at the sustained rate");

        time.Advance(Second);
        Assert.That(observe.IsCompleted, Is.True);
        Assert.That(budget.PausedUntil, Is.Null);
    }

    [Test]
    public void Corrects_down_to_what_the_server_reports_but_never_up()
    {
        using var budget = new RequestBudget(3600, 1.0, 10, time);

        budget.Correct(500, null);
        Assert.That(budget.Remaining, Is.EqualTo(10));

        budget.Correct(2, null);
        Assert.That(budget.Remaining, Is.EqualTo(2));

        budget.Correct(0, time.GetUtcNow() + TimeSpan.FromSeconds(45));
        Assert.That(budget.PausedUntil, Is.EqualTo(time.GetUtcNow() + TimeSpan.FromSeconds(45)));
    }

    [Test]
    public async Task A_cancelled_waiter_leaves_the_queue_and_others_still_get_served()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = budget.AcquireAsync(RequestPriority.Write, cts.Token).AsTask();
        var other = budget.AcquireAsync(RequestPriority.Observe, CancellationToken.None).AsTask();

        await cts.CancelAsync();
        await Assert.ThatAsync(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(budget.Waiting, Is.EqualTo(1));

        time.Advance(Second);
        Assert.That(other.IsCompletedSuccessfully, Is.True);
        Assert.That(budget.Granted, Is.EqualTo(2));
    }

    [Test]
    public async Task Disposing_fails_the_waiters()
    {
        var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);
        var waiting = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();

        budget.Dispose();

        await Assert.ThatAsync(async () => await waiting, Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task When_other_clients_spend_the_accounts_hour_the_refill_spreads_what_is_left_over_the_window()
    {
        // One a second on its own; the server says 10 are left for the next 100 s: after this one, 9 in 100 s.
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        budget.Correct(10, time.GetUtcNow() + TimeSpan.FromSeconds(100), limit: 3600);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);

        var next = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(next.IsCompleted, Is.False, "its own rate (1 s) would have served it");

        time.Advance(TimeSpan.FromSeconds(6.2));
        Assert.That(next.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task Nothing_spare_in_the_accounts_window_pauses_until_it_resets_then_the_own_rate_returns()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        budget.Correct(0, time.GetUtcNow() + TimeSpan.FromSeconds(30), limit: 3600);

        var waiting = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(waiting.IsCompleted, Is.False);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(waiting.IsCompletedSuccessfully, Is.True);
        var after = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        time.Advance(Second);
        Assert.That(after.IsCompletedSuccessfully, Is.True, "a new window: the budget's own rate again");
    }

    [Test]
    public void The_budgets_own_spending_never_triggers_the_reserve()
    {
        // Limit 1000, 90 %, burst 20: on its own the budget leaves at least 80 of an hour unspent; 81 left is still 1 spare.
        using var budget = new RequestBudget(1000, 0.9, 20, time);

        budget.Correct(81, time.GetUtcNow() + TimeSpan.FromMinutes(30), limit: 1000);

        Assert.That(budget.Remaining, Is.EqualTo(1));
        Assert.That(budget.PausedUntil, Is.Null);
    }
}
