using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Controllers.Claims;

namespace UnitTests.Controllers.Claims;

public class TakenSandboxesTests
{
    [Test]
    public void Claims_reconciled_at_once_are_kept_to_different_sandboxes_per_namespace()
    {
        var taken = new TakenSandboxes(new FakeTimeProvider());

        Assert.Multiple(() =>
        {
            Assert.That(taken.TryTake("team-a", "pooled-1"), Is.True);
            Assert.That(taken.TryTake("team-a", "pooled-1"), Is.False, "another claim is binding it");
            Assert.That(taken.TryTake("team-b", "pooled-1"), Is.True, "the same name in another namespace is another Sandbox");
        });
    }

    [Test]
    public void A_sandbox_given_back_after_a_conflict_may_be_tried_again()
    {
        var taken = new TakenSandboxes(new FakeTimeProvider());
        taken.TryTake("team-a", "pooled-1");

        taken.Give("team-a", "pooled-1");

        Assert.That(taken.TryTake("team-a", "pooled-1"), Is.True);
    }

    [Test]
    public void A_bound_sandbox_is_kept_from_other_claims_until_the_cache_has_had_time_to_show_it_claimed()
    {
        var time = new FakeTimeProvider();
        var taken = new TakenSandboxes(time);
        taken.TryTake("team-a", "pooled-1");

        time.Advance(TakenSandboxes.Lifetime - TimeSpan.FromSeconds(1));
        var stillTaken = !taken.TryTake("team-a", "pooled-1");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(stillTaken, Is.True);
            Assert.That(taken.TryTake("team-a", "pooled-1"), Is.True, "forgotten after its lifetime, so nothing piles up");
        });
    }
}
