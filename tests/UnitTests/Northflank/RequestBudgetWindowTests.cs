using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

/// <summary>
/// The budget spends the account's window as Northflank's headers describe it and paces only the reserve the rest of
/// the window needs (see <see cref="AccountWindow"/>); before any header it is the careful bucket. Northflank's default
/// limit (1000 an hour, 90 % headroom, burst 20): one request per 4 s on the bucket, 80 left to other clients, a floor
/// of one look per 32 s. On a fake clock.
/// </summary>
[TestFixture]
public sealed class RequestBudgetWindowTests
{
    private const int Limit = 1000;
    private const int Others = 80; // 1000 − 900 (90 %) − 20 (burst): left to the account's other clients
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private FakeTimeProvider time = null!;

    [SetUp]
    public void SetUp() => time = new FakeTimeProvider();

    [Test]
    public async Task A_burst_of_100_creates_on_a_fresh_full_window_goes_out_without_pacing()
    {
        using var budget = Budget(holders: 100);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None); // the window's first request
        budget.Correct(Limit - 1, time.GetUtcNow() + Hour, Limit);

        var burst = Enumerable.Range(0, 100).Select(_ => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(burst.Count(t => t.IsCompletedSuccessfully), Is.EqualTo(100), "all at once, none put off");
            // 899 left − 80 for others − 100 deletes − ⌈3600 s / 32 s⌉ looks.
            Assert.That(budget.Remaining, Is.EqualTo(899 - 80 - 100 - 113));
        });
    }

    [Test]
    public void A_mass_delete_spends_the_reserve_kept_for_it_without_pacing()
    {
        using var budget = Budget(holders: 300);
        // 60 s of a window left, 420 of it spare: 300 deletes kept + ⌈60 s / 32 s⌉ = 2 looks, so 118 free.
        budget.Correct(420 + Others, time.GetUtcNow() + TimeSpan.FromSeconds(60), Limit);
        var before = budget.Remaining;

        var deletes = Enumerable.Range(0, 300).Select(_ =>
        {
            var grant = budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None);
            if (grant.IsCompletedSuccessfully)
            {
                budget.DeleteSent();
            }

            return grant;
        }).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(118));
            Assert.That(deletes.Count(t => t.IsCompletedSuccessfully), Is.EqualTo(300), "each DELETE sent frees the one the reserve kept for it");
            Assert.That(budget.Remaining, Is.EqualTo(118));
        });

        budget.Holders = 0; // every Sandbox let its token go
        Assert.That(budget.Remaining, Is.EqualTo(118), "the count of DELETEs sent leaves with the holders");
    }

    [Test]
    public void Without_delete_sent_a_mass_delete_past_the_free_part_is_paced()
    {
        using var budget = Budget(holders: 300);
        budget.Correct(420 + Others, time.GetUtcNow() + TimeSpan.FromSeconds(60), Limit);

        var deletes = Enumerable.Range(0, 300).Select(_ => budget.AcquireAsync(RequestPriority.Write, Bound, CancellationToken.None)).ToList();

        Assert.That(deletes.Count(t => t.IsCompletedSuccessfully), Is.EqualTo(118), "the reserve, not spent by anything, paces the rest");
        foreach (var put in deletes.Where(t => !t.IsCompleted || t.IsFaulted))
        {
            _ = put.AsTask().Exception; // observed: the put-off ones fail with a throttled error
        }
    }

    [Test]
    public async Task Near_the_end_of_the_window_the_reserve_is_spread_evenly_up_to_the_reset()
    {
        using var budget = Budget(holders: 100);
        var reset = time.GetUtcNow() + TimeSpan.FromSeconds(56 * 32);
        budget.Correct(300, reset, Limit);

        // 300 − 80 = 220 spare; the reserve is 100 deletes + 1792 s / 32 s = 56 looks: 64 free.
        var free = Enumerable.Range(0, 64).Select(_ => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None)).ToList();
        var paced = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        Assert.That(free.All(t => t.IsCompletedSuccessfully), Is.True);
        Assert.That(paced.IsCompleted, Is.False, "the reserve is paced");

        // 156 spread over 1792 s: the next once 1792 / 157 = 11.4 s have passed.
        time.Advance(TimeSpan.FromSeconds(11.3));
        Assert.That(paced.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.That(paced.IsCompletedSuccessfully, Is.True);

        var (granted, waiting) = await KeepOneWaitingAsync(budget, until: reset);
        Assert.That(granted, Is.InRange(150, 155), "the rest of the reserve goes before the reset, and not one more");
        Assert.That(waiting.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.That(waiting.IsCompletedSuccessfully, Is.True, "at the reset");
        Assert.That(budget.Remaining, Is.EqualTo(19), "a new window: the bucket, full before that one, until the server says");
    }

    [Test]
    public async Task With_more_sandboxes_than_the_window_holds_the_whole_window_is_paced_as_the_bucket_was()
    {
        using var budget = Budget(holders: 1000);
        budget.Correct(Limit - 1, time.GetUtcNow() + Hour, Limit);
        await budget.AcquireAsync(RequestPriority.Write, CancellationToken.None);

        var next = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();

        Assert.That(budget.CurrentInterval.TotalSeconds, Is.EqualTo(3600.0 / 918).Within(0.01), "918 spare over the hour");
        time.Advance(TimeSpan.FromSeconds(3.8));
        Assert.That(next.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.That(next.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void The_first_requests_of_a_window_before_any_header_are_as_careful_as_the_bucket()
    {
        using var budget = Budget(holders: 0);

        AssertCareful(budget, "a new budget");

        budget.Correct(Limit - 21, time.GetUtcNow() + TimeSpan.FromMinutes(10), Limit);
        Assert.That(budget.Remaining, Is.GreaterThan(700), "the server said: the window is spent freely");
        time.Advance(TimeSpan.FromMinutes(10));

        AssertCareful(budget, "after the reset, until the next header");
    }

    [Test]
    public void Another_client_spending_the_window_shrinks_what_is_spent_and_an_older_answer_does_not_undo_it()
    {
        using var budget = Budget(holders: 0);
        var reset = time.GetUtcNow() + Hour;
        budget.Correct(Limit - 1, reset, Limit);
        Assert.That(budget.Remaining, Is.EqualTo(999 - 80 - 113));

        budget.Correct(400, reset, Limit); // a CI job spent 599
        Assert.That(budget.Remaining, Is.EqualTo(400 - 80 - 113));

        budget.Correct(450, reset + TimeSpan.FromSeconds(1), Limit); // an answer that left before the CI job's
        Assert.That(budget.Remaining, Is.EqualTo(400 - 80 - 113), "within a window the count only goes down");

        budget.Correct(150, reset, Limit);
        Assert.That(budget.Remaining, Is.EqualTo(1), "70 spare, all of it reserve: paced, the first one now");
        Assert.That(budget.CurrentInterval, Is.EqualTo(Hour / 70).Within(TimeSpan.FromMilliseconds(1)));
    }

    [Test]
    public async Task Never_more_than_the_limit_in_a_window_while_another_client_spends_part_of_it()
    {
        using var budget = Budget(holders: 50);
        var server = new FixedWindowServer(Limit, Hour);
        var random = new Random(7);
        var workers = new Task<TimeSpan>?[4];
        var refused = new List<(DateTimeOffset At, int Theirs)>();
        var theirsRefusedWithinShare = 0;
        var start = time.GetUtcNow();
        var end = start + 4 * Hour;
        while (time.GetUtcNow() < end)
        {
            // Our four workers: each sends as soon as its budget says, and the answer's headers go back into the budget.
            for (var progress = true; progress;)
            {
                progress = false;
                for (var i = 0; i < workers.Length; i++)
                {
                    if (workers[i] is { IsCompleted: true } || workers[i] is null)
                    {
                        if (workers[i] is not null)
                        {
                            await workers[i]!;
                            var answer = server.Take(time.GetUtcNow(), ours: true);
                            if (!answer.Allowed)
                            {
                                refused.Add((time.GetUtcNow(), server.Theirs(time.GetUtcNow())));
                            }
                            budget.Correct(answer.Remaining, time.GetUtcNow() + answer.ResetIn, Limit);
                            progress = true;
                        }

                        workers[i] = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
                    }
                }
            }

            // Another client of the account: one request every 45 s (80 an hour, the share left to others), and in every
            // other window bursts of up to 300 now and then, at most 600 in all. What the operator has not spent is
            // theirs, and the operator always leaves them the others' share at least.
            var now = time.GetUtcNow();
            var burst = server.Windows % 2 == 1 && random.Next(120) == 0 ? Math.Min(random.Next(300), 600 - server.Theirs(now)) : 0;
            for (var k = burst + (((int)(now - start).TotalSeconds % 45 == 0) ? 1 : 0); k > 0; k--)
            {
                var theirs = server.Theirs(now);
                theirsRefusedWithinShare += server.Take(now, ours: false).Allowed || theirs >= Others ? 0 : 1;
            }

            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Multiple(() =>
        {
            // When the other client spends more than was left to it, the account is out until the reset: the operator's
            // budget then pauses, and asks again once per longest pause (whatever the server said), nothing more.
            Assert.That(refused.Where(r => r.Theirs <= Others), Is.Empty, "no 429 for the operator while the other client kept to its share");
            Assert.That(refused.Zip(refused.Skip(1), (a, b) => b.At - a.At).Where(gap => gap < RequestBudget.DefaultMaxPause), Is.Empty, "only the capped pause's one request");
            Assert.That(server.MostOfOursInAWindow, Is.LessThanOrEqualTo(Limit - Others), "never more than the limit less the others' share");
            Assert.That(theirsRefusedWithinShare, Is.Zero, "the other client was refused only after it spent more than the share left to it");
            Assert.That(server.Windows, Is.GreaterThanOrEqualTo(4));
            Assert.That(server.MostOfOursInAWindow, Is.GreaterThan(Limit - Others - 113), "the operator did spend the window");
        });
    }

    private RequestBudget Budget(int holders) => new(Limit, 0.9, 20, time) { Holders = holders };

    /// <summary>20 at once, then one per 4 s.</summary>
    private void AssertCareful(RequestBudget budget, string when)
    {
        var burst = Enumerable.Range(0, 20).Select(_ => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None)).ToList();
        var next = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        Assert.That(burst.All(t => t.IsCompletedSuccessfully), Is.True, when);
        Assert.That(next.IsCompleted, Is.False, when);
        time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.That(next.IsCompleted, Is.False, when);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.That(next.IsCompletedSuccessfully, Is.True, when);
    }

    /// <summary>Keeps one caller waiting, a tenth of a second at a time, until <paramref name="until"/>; how many were granted, and the one still waiting.</summary>
    private async Task<(int Granted, Task<TimeSpan> Waiting)> KeepOneWaitingAsync(RequestBudget budget, DateTimeOffset until)
    {
        var granted = 0;
        var waiting = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
        while (time.GetUtcNow() < until - TimeSpan.FromSeconds(0.1))
        {
            time.Advance(TimeSpan.FromSeconds(0.1));
            if (waiting.IsCompleted)
            {
                await waiting;
                granted++;
                waiting = budget.AcquireAsync(RequestPriority.Write, CancellationToken.None).AsTask();
            }
        }

        return (granted, waiting);
    }

    /// <summary>Northflank's window as the simulator keeps it: opened by the first request, reset an hour later.</summary>
    private sealed class FixedWindowServer(int limit, TimeSpan window)
    {
        private DateTimeOffset start = DateTimeOffset.MinValue;
        private int count;
        private int ours;
        private int theirs;

        public int MostOfOursInAWindow { get; private set; }

        public int Windows { get; private set; }

        /// <summary>The other client's requests in the window now open (none when it has ended).</summary>
        public int Theirs(DateTimeOffset now) => now >= start + window ? 0 : theirs;

        public (bool Allowed, int Remaining, TimeSpan ResetIn) Take(DateTimeOffset now, bool ours)
        {
            if (start == DateTimeOffset.MinValue || now >= start + window)
            {
                (start, count, this.ours, theirs) = (now, 0, 0, 0);
                Windows++;
            }

            var allowed = count < limit;
            count += allowed ? 1 : 0;
            this.ours += allowed && ours ? 1 : 0;
            theirs += allowed && !ours ? 1 : 0;
            MostOfOursInAWindow = Math.Max(MostOfOursInAWindow, this.ours);
            var resetIn = start + window - now;
            return (allowed, limit - count, TimeSpan.FromSeconds(Math.Ceiling(resetIn.TotalSeconds)));
        }
    }
}
