using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

/// <summary>
/// Tenants (a Sandbox's namespace) of one token are served in turn, in the budget's queue and in its line of callers put
/// off, without undoing the priorities, the confirms' share or the overdue rule. On a fake clock.
/// </summary>
[TestFixture]
public sealed class RequestBudgetFairnessTests
{
    // 3600 an hour at full headroom: one request a second.
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private FakeTimeProvider time = null!;

    [SetUp]
    public void SetUp() => time = new FakeTimeProvider();

    [Test]
    public async Task A_tenant_that_queues_one_write_after_another_queued_150_is_served_within_the_next_two_grants()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);
        var a = Enumerable.Range(0, 150).Select(i => As($"team-a/pool-{i}", "team-a", () => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None))).ToList();
        var b = As("team-b/one", "team-b", () => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None));

        time.Advance(Second);
        time.Advance(Second);

        Assert.Multiple(() =>
        {
            Assert.That(b.IsCompletedSuccessfully, Is.True, "in its turn, not after the 150");
            Assert.That(a.Count(t => t.IsCompleted) + 1, Is.EqualTo(2), "one grant a second all the same");
        });
    }

    [Test]
    public async Task Tenants_with_writes_waiting_alternate_and_calls_for_no_tenant_take_turns_as_one()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);
        var waiting = new List<(string Name, Task<TimeSpan> Task)>();
        foreach (var (name, tenant) in new[] { ("a1", "team-a"), ("a2", "team-a"), ("a3", "team-a"), ("b1", "team-b"), ("b2", "team-b"), ("n1", null), ("n2", null) })
        {
            waiting.Add((name, As(name, tenant, () => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None))));
        }

        Assert.That(ServedOneASecond(waiting), Is.EqualTo(new[] { "a1", "b1", "n1", "a2", "b2", "n2", "a3" }));
    }

    [Test]
    public async Task Priorities_still_come_before_turns_and_a_confirm_still_takes_one_grant_in_four()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);
        var waiting = new List<(string Name, Task<TimeSpan> Task)>
        {
            ("b-observe", As("b-observe", "team-b", () => budget.AcquireAsync(RequestPriority.Observe, CancellationToken.None))),
        };
        for (var i = 1; i <= 4; i++)
        {
            var name = $"a-write{i}";
            waiting.Add((name, As(name, "team-a", () => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None))));
        }

        waiting.Add(("b-write", As("b-write", "team-b", () => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None))));
        waiting.Add(("list1", budget.AcquireAsync(RequestPriority.Confirm, CancellationToken.None).AsTask()));
        waiting.Add(("list2", budget.AcquireAsync(RequestPriority.Confirm, CancellationToken.None).AsTask()));

        Assert.That(
            ServedOneASecond(waiting),
            Is.EqualTo(new[] { "list1", "a-write1", "b-write", "a-write2", "list2", "a-write3", "a-write4", "b-observe" }),
            "the confirm's share and its turns, then writes by tenant in turn, and team-b's observe only after every write");
    }

    [Test]
    public async Task An_overdue_observe_still_goes_first_whatever_tenant_it_is_for()
    {
        using var budget = new RequestBudget(3600, 1.0, 1, time);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);
        var observe = As("team-b/look", "team-b", () => budget.AcquireAsync(RequestPriority.Observe, Bound, CancellationToken.None));
        // Unbounded, so that only the observe can be overdue.
        var writes = Enumerable.Range(0, 4).Select(i => As($"team-a/{i}", "team-a", () => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None))).ToList();

        time.Advance(Second);
        time.Advance(Second);
        Assert.That(observe.IsCompleted, Is.False, "writes first while it is fresh");
        time.Advance(Second);

        Assert.That(observe.IsCompletedSuccessfully, Is.True, "at the first grant after half its bound");
        Assert.That(writes.Count(w => w.IsCompleted), Is.EqualTo(2));
    }

    [Test]
    public void A_tenant_put_off_behind_another_tenants_150_is_told_the_second_place_in_line()
    {
        using var budget = new RequestBudget(3600, 1.0, 10, time);
        var end = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        budget.PauseFor(TimeSpan.FromMinutes(1));

        var a = Enumerable.Range(0, 150).Select(i => PutOff($"team-a/pool-{i}", "team-a", budget)).ToList();
        var b = PutOff("team-b/one", "team-b", budget);
        var aNext = PutOff("team-a/pool-150", "team-a", budget);
        var bAgain = PutOff("team-b/one", "team-b", budget);

        Assert.Multiple(() =>
        {
            Assert.That(a[0], Is.EqualTo(end));
            Assert.That(a[^1], Is.EqualTo(end + 149 * Second), "one tenant alone: one request apart, as before");
            Assert.That(b, Is.EqualTo(end + Second), "after team-a's first, not after all 150 of them");
            Assert.That(aNext, Is.EqualTo(end + 151 * Second), "the end of the line moved one request later");
            Assert.That(bAgain, Is.EqualTo(b), "asking again keeps its place");
        });
    }

    [Test]
    public void Three_tenants_put_off_are_placed_in_turns()
    {
        using var budget = new RequestBudget(3600, 1.0, 10, time);
        var end = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        budget.PauseFor(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 10; i++)
        {
            PutOff($"team-a/{i}", "team-a", budget);
        }

        var b1 = PutOff("team-b/1", "team-b", budget);
        var c1 = PutOff("team-c/1", "team-c", budget);
        var b2 = PutOff("team-b/2", "team-b", budget);

        Assert.That(new[] { b1, c1, b2 }, Is.EqualTo(new[] { end + Second, end + 2 * Second, end + 4 * Second }), "a1 b1 c1 a2 b2: b's second comes in the second round");
    }

    /// <summary>Advances one grant at a time and says whose each was.</summary>
    private List<string> ServedOneASecond(List<(string Name, Task<TimeSpan> Task)> waiting)
    {
        var order = new List<string>();
        for (var i = 0; i < waiting.Count; i++)
        {
            time.Advance(Second);
            var done = waiting.Where(w => w.Task.IsCompleted && !order.Contains(w.Name)).Select(w => w.Name).ToList();
            Assert.That(done, Has.Count.EqualTo(1), $"exactly one grant per interval (step {i})");
            order.Add(done[0]);
        }

        return order;
    }

    private static Task<TimeSpan> As(string caller, string? tenant, Func<ValueTask<TimeSpan>> acquire)
    {
        using var scope = BudgetCaller.Is(caller, tenant);
        return acquire().AsTask();
    }

    private static DateTimeOffset PutOff(string caller, string tenant, RequestBudget budget)
    {
        var task = As(caller, tenant, () => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None));
        Assert.That(task.IsFaulted, Is.True, "put off at once, not queued");
        return ((NorthflankApiException)task.Exception!.InnerException!).ServedAt!.Value;
    }
}
