using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank.FlowControl;

namespace UnitTests.Northflank;

/// <summary>Each token's share of the workers: never all of them, fair between tokens, parked callers woken in order.</summary>
[TestFixture]
public sealed class TokenLanesTests
{
    private FakeTimeProvider time = null!;
    private List<string> woken = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider();
        woken = [];
    }

    [Test]
    public void A_token_alone_holds_all_but_one_worker_so_another_token_can_always_get_in()
    {
        var lanes = Lanes(4);

        var entered = Enumerable.Range(0, 4).Select(i => lanes.TryEnter("a", $"ns/a{i}")).ToList();

        Assert.That(entered, Is.EqualTo(new[] { true, true, true, false }));
        Assert.That(lanes.TryEnter("b", "ns/b0"), Is.True, "the worker left free takes the other token's Sandbox");
    }

    [Test]
    public void A_caller_that_leaves_gives_up_its_place_in_line_and_the_slot_held_for_it()
    {
        var lanes = Lanes(4);
        for (var i = 0; i < 3; i++)
        {
            lanes.TryEnter("a", $"ns/a{i}");
        }

        Assert.That(lanes.TryEnter("a", "ns/left-parked"), Is.False);
        Assert.That(lanes.TryEnter("a", "ns/left-woken"), Is.False);
        Assert.That(lanes.TryEnter("a", "ns/waits"), Is.False);

        lanes.Leave("a", "ns/left-parked");
        lanes.Exit("a");
        Assert.That(woken, Is.EqualTo(new[] { "ns/left-woken" }), "the one that left was skipped");

        lanes.Leave("a", "ns/left-woken");
        Assert.That(woken, Is.EqualTo(new[] { "ns/left-woken", "ns/waits" }), "the slot held for it went to the next in line at once");
        Assert.That(lanes.TryEnter("a", "ns/waits"), Is.True);
    }

    [Test]
    public void With_two_tokens_each_gets_half_and_a_parked_caller_is_woken_with_a_slot_held_for_it()
    {
        var lanes = Lanes(4);
        for (var i = 0; i < 3; i++)
        {
            Assert.That(lanes.TryEnter("a", $"ns/a{i}"), Is.True);
        }

        Assert.That(lanes.TryEnter("b", "ns/b0"), Is.True);
        Assert.That(lanes.Share("a"), Is.EqualTo(2));
        Assert.That(lanes.TryEnter("a", "ns/a3"), Is.False, "a holds more than its share while b works");

        lanes.Exit("a");
        Assert.That(woken, Is.Empty, "a still holds its share (2)");
        lanes.Exit("a");
        Assert.That(woken, Is.EqualTo(new[] { "ns/a3" }));

        Assert.That(lanes.TryEnter("a", "ns/a4"), Is.False, "the freed slot is held for the woken caller, not taken by a newcomer");
        Assert.That(lanes.TryEnter("a", "ns/a3"), Is.True);
    }

    [Test]
    public void Parked_callers_are_woken_first_come_first_served()
    {
        var lanes = Lanes(2);
        Assert.That(lanes.TryEnter("a", "ns/1"), Is.True);
        Assert.That(lanes.TryEnter("a", "ns/2"), Is.False);
        Assert.That(lanes.TryEnter("a", "ns/3"), Is.False);
        Assert.That(lanes.TryEnter("a", "ns/2"), Is.False, "asking again keeps its place, not a second one");

        lanes.Exit("a");
        Assert.That(lanes.TryEnter("a", "ns/2"), Is.True);
        lanes.Exit("a");
        lanes.Exit("a");

        Assert.That(woken, Is.EqualTo(new[] { "ns/2", "ns/3" }));
    }

    [Test]
    public void A_slot_held_for_a_caller_that_never_comes_goes_to_the_next_after_its_lifetime()
    {
        var lanes = Lanes(2);
        lanes.TryEnter("a", "ns/1");
        lanes.TryEnter("a", "ns/gone");
        lanes.TryEnter("a", "ns/3");
        lanes.Exit("a");
        Assert.That(woken, Is.EqualTo(new[] { "ns/gone" }));

        time.Advance(TokenLanes.ReservationLifetime);
        Assert.That(lanes.TryEnter("a", "ns/4"), Is.False);

        Assert.That(woken, Is.EqualTo(new[] { "ns/gone", "ns/3" }));
        Assert.That(lanes.TryEnter("a", "ns/3"), Is.True);
    }

    [Test]
    public void One_worker_is_everyones_share_and_an_idle_token_leaves_nothing_behind()
    {
        var lanes = Lanes(1);
        Assert.That(lanes.TryEnter("a", "ns/1"), Is.True);
        Assert.That(lanes.Share("b"), Is.EqualTo(1));

        lanes.Exit("a");

        Assert.That(lanes.ActiveTokens, Is.Zero);
    }

    [Test]
    public void Many_tokens_share_the_workers_rounded_up_but_never_all_of_them()
    {
        var lanes = Lanes(8);
        lanes.TryEnter("a", "ns/a");
        lanes.TryEnter("b", "ns/b");

        Assert.Multiple(() =>
        {
            Assert.That(lanes.Share("a"), Is.EqualTo(4), "two tokens: half each");
            Assert.That(lanes.Share("c"), Is.EqualTo(3), "a third: ceil(8 / 3)");
            Assert.That(Lanes(3).Share("x"), Is.EqualTo(2), "alone: all but one");
        });
    }

    [Test]
    public void A_tenant_parked_behind_another_tenants_150_parked_callers_gets_one_of_the_next_two_free_slots()
    {
        var lanes = Lanes(4);
        for (var i = 0; i < 3; i++)
        {
            Assert.That(lanes.TryEnter("shared", $"team-a/pool-{i}", "team-a"), Is.True);
        }

        for (var i = 3; i < 153; i++)
        {
            Assert.That(lanes.TryEnter("shared", $"team-a/pool-{i}", "team-a"), Is.False);
        }

        Assert.That(lanes.TryEnter("shared", "team-b/one", "team-b"), Is.False, "the token holds its share: parked");

        lanes.Exit("shared");
        lanes.Exit("shared");

        Assert.That(woken, Has.Member("team-b/one"), "in its turn, not after the 150");
        Assert.That(lanes.TryEnter("shared", "team-b/one", "team-b"), Is.True, "the slot was held for it");
    }

    [Test]
    public void A_tenant_that_arrives_while_another_is_being_served_goes_next()
    {
        var lanes = Lanes(2);
        Assert.That(lanes.TryEnter("shared", "team-a/0", "team-a"), Is.True);
        for (var i = 1; i <= 5; i++)
        {
            lanes.TryEnter("shared", $"team-a/{i}", "team-a");
        }

        lanes.Exit("shared");
        Assert.That(woken, Is.EqualTo(new[] { "team-a/1" }));
        Assert.That(lanes.TryEnter("shared", "team-a/1", "team-a"), Is.True);

        Assert.That(lanes.TryEnter("shared", "team-b/0", "team-b"), Is.False);
        lanes.Exit("shared");

        Assert.That(woken, Is.EqualTo(new[] { "team-a/1", "team-b/0" }), "team-a was served last: team-b's turn");
    }

    [Test]
    public void Two_tenants_with_callers_parked_are_woken_in_turn_and_callers_of_no_tenant_take_turns_as_one()
    {
        var lanes = Lanes(2);
        Assert.That(lanes.TryEnter("shared", "holder", "team-a"), Is.True);
        foreach (var (waiter, tenant) in new[] { ("a1", "team-a"), ("a2", "team-a"), ("a3", "team-a"), ("b1", "team-b"), ("b2", "team-b"), ("x1", null), ("x2", null) })
        {
            lanes.TryEnter("shared", waiter, tenant);
        }

        for (var i = 0; i < 7; i++)
        {
            lanes.Exit("shared");
            Assert.That(lanes.TryEnter("shared", woken[^1], null), Is.True, "the slot was held for the woken caller");
        }

        Assert.That(woken, Is.EqualTo(new[] { "a1", "b1", "x1", "a2", "b2", "x2", "a3" }));
    }

    private TokenLanes Lanes(int slots) => new(slots, time, woken.Add);
}
