using SandboxOperator.Controllers.WarmPools;

namespace UnitTests.Controllers.WarmPools;

public class PoolPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static PoolMember M(string name, bool ready = true, bool current = true, int minute = 0) => new(name, ready, current, T0.AddMinutes(minute));

    [Test]
    public void An_empty_pool_creates_all_its_replicas() =>
        Assert.That(PoolPlanner.Plan(3, 1, []), Is.EqualTo(new PoolPlan(3, [])).Using<PoolPlan>(Same));

    [Test]
    public void A_full_pool_does_nothing() =>
        Assert.That(PoolPlanner.Plan(2, 1, [M("a"), M("b")]), Is.EqualTo(PoolPlan.Nothing).Using<PoolPlan>(Same));

    [Test]
    public void A_pool_short_of_one_after_a_claim_creates_one() =>
        Assert.That(PoolPlanner.Plan(2, 1, [M("a")]).Create, Is.EqualTo(1));

    [Test]
    public void Extras_go_not_Ready_first_then_old_template_then_newest()
    {
        var members = new[] { M("ready-old", minute: 0), M("ready-new", minute: 5), M("not-ready", ready: false, minute: 1), M("outdated", current: false, minute: 2) };

        Assert.That(PoolPlanner.Plan(1, 1, members).Delete, Is.EqualTo(new[] { "not-ready", "outdated", "ready-new" }));
    }

    [Test]
    public void A_template_change_replaces_one_Ready_Sandbox_at_a_time()
    {
        var members = new[] { M("a", current: false, minute: 0), M("b", current: false, minute: 1), M("c", current: false, minute: 2) };

        var first = PoolPlanner.Plan(3, 1, members);
        // The next look: a is going, its replacement is being created (not Ready): nothing else goes.
        var second = PoolPlanner.Plan(3, 1, [M("b", current: false, minute: 1), M("c", current: false, minute: 2), M("new-a", ready: false)]);
        var withMore = PoolPlanner.Plan(3, 2, members);

        Assert.Multiple(() =>
        {
            Assert.That(first.Delete, Is.EqualTo(new[] { "a" }), "the oldest first, one at a time");
            Assert.That(second.Delete, Is.Empty);
            Assert.That(withMore.Delete, Is.EqualTo(new[] { "a", "b" }));
        });
    }

    [Test]
    public void Old_template_Sandboxes_that_are_not_Ready_are_replaced_at_once()
    {
        var members = new[] { M("stuck", ready: false, current: false), M("b", current: false, minute: 1) };

        Assert.That(PoolPlanner.Plan(2, 1, members).Delete, Is.EqualTo(new[] { "stuck" }));
    }

    [Test]
    public void Scaling_to_zero_deletes_every_member() =>
        Assert.That(PoolPlanner.Plan(0, 1, [M("a"), M("b")]).Delete, Is.EquivalentTo(new[] { "a", "b" }));

    [Test]
    public void Ready_counts_only_Ready_members_of_the_current_template()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PoolPlanner.IsReady(2, [M("a"), M("b")]), Is.True);
            Assert.That(PoolPlanner.IsReady(2, [M("a"), M("b", current: false)]), Is.False);
            Assert.That(PoolPlanner.IsReady(2, [M("a"), M("b", ready: false)]), Is.False);
            Assert.That(PoolPlanner.IsReady(0, []), Is.True);
        });
    }

    [Test]
    public void What_the_cache_does_not_show_yet_is_counted()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        var memory = new PoolMemory(time);
        memory.Created("pool", "fresh");
        memory.Deleted("pool", "going");

        var seen = memory.Adjust("pool", [M("going"), M("kept")]);
        time.Advance(PoolMemory.Patience + TimeSpan.FromSeconds(1));
        var later = memory.Adjust("pool", [M("kept")]);

        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(m => m.Name), Is.EquivalentTo(new[] { "kept", "fresh" }));
            Assert.That(later.Select(m => m.Name), Is.EqualTo(new[] { "kept" }), "a creation the cache never showed is forgotten after a while");
        });
    }

    [TestCase(4, 1, 0)]
    [TestCase(4, 2, 0)]
    [TestCase(4, 1, 3)]
    [TestCase(5, 2, 4)]
    public void A_rollout_never_has_more_members_not_Ready_than_max_unavailable(int replicas, int maxUnavailable, int claims)
    {
        // The pool as the planner sees it, look after look: each look carries out the plan, then one member of the new
        // template becomes Ready, and (while claims are left) a claim takes a Ready member. Nothing is changed in place.
        var members = Enumerable.Range(0, replicas).Select(i => M($"old-{i}", current: false, minute: i)).ToList();
        var created = 0;
        var worst = 0;
        for (var look = 0; look < 100 && !(members.Count == replicas && members.All(m => m.Current && m.Ready)); look++)
        {
            var plan = PoolPlanner.Plan(replicas, maxUnavailable, members);
            members.RemoveAll(m => plan.Delete.Contains(m.Name));
            members.AddRange(Enumerable.Range(0, plan.Create).Select(_ => M($"new-{created++}", ready: false, minute: 100 + created)));
            worst = Math.Max(worst, members.Count(m => !m.Ready));
            if (members.FindIndex(m => !m.Ready) is var pending and >= 0)
            {
                members[pending] = members[pending] with { Ready = true };
            }

            if (claims > 0 && members.FindIndex(m => m.Ready) is var taken and >= 0)
            {
                members.RemoveAt(taken);
                claims--;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(worst, Is.LessThanOrEqualTo(maxUnavailable));
            Assert.That(members.Count(m => m.Current && m.Ready), Is.EqualTo(replicas), "the rollout finishes");
        });
    }

    [Test]
    public void A_rollout_replaces_each_Sandbox_as_it_deletes_it_so_the_pool_keeps_its_size()
    {
        var plan = PoolPlanner.Plan(3, 1, [M("a", current: false), M("b", current: false, minute: 1), M("c", current: false, minute: 2)]);

        Assert.That(plan, Is.EqualTo(new PoolPlan(1, ["a"])).Using<PoolPlan>(Same));
    }

    [Test]
    public void During_a_rollout_a_refill_after_a_claim_waits_for_room_under_max_unavailable()
    {
        var plan = PoolPlanner.Plan(3, 1, [M("new", ready: false), M("b", current: false, minute: 1)]);

        Assert.That(plan, Is.EqualTo(PoolPlan.Nothing).Using<PoolPlan>(Same));
    }

    private static bool Same(PoolPlan a, PoolPlan b) => a.Create == b.Create && a.Delete.SequenceEqual(b.Delete);
}
