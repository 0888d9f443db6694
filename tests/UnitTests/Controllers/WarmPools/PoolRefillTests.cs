using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Controllers.WarmPools;

namespace UnitTests.Controllers.WarmPools;

public class PoolRefillTests
{
    private readonly FakeTimeProvider time = new();

    [Test]
    public void A_pool_no_claim_took_from_refills_at_once()
    {
        var memory = new PoolMemory(time);

        Assert.That(memory.RefillDelay("pool"), Is.Null);
    }

    [Test]
    public void The_refill_waits_until_claims_have_stopped_taking_for_a_moment()
    {
        var memory = new PoolMemory(time);
        memory.Taken("pool");
        time.Advance(TimeSpan.FromMilliseconds(600));
        memory.Taken("pool");

        var whileTaking = memory.RefillDelay("pool");
        var otherPool = memory.RefillDelay("other");
        time.Advance(PoolMemory.RefillQuiet);

        Assert.Multiple(() =>
        {
            Assert.That(whileTaking, Is.EqualTo(PoolMemory.RefillQuiet), "counted from the last take");
            Assert.That(otherPool, Is.Null);
            Assert.That(memory.RefillDelay("pool"), Is.Null);
        });
    }

    [Test]
    public void Claims_that_keep_coming_hold_the_refill_back_no_longer_than_its_cap()
    {
        var memory = new PoolMemory(time);
        var step = PoolMemory.RefillQuiet / 2;
        var held = TimeSpan.Zero;
        while (held < PoolMemory.RefillMaxDelay * 2)
        {
            memory.Taken("pool");
            if (memory.RefillDelay("pool") is null)
            {
                break;
            }

            time.Advance(step);
            held += step;
        }

        Assert.That(held, Is.EqualTo(PoolMemory.RefillMaxDelay));
    }
}
