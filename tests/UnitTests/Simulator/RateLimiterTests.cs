using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.Pipeline;

namespace UnitTests.Simulator;

public sealed class RateLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Test]
    public void AllowsTheLimitThenRejectsUntilTheWindowEnds()
    {
        var limiter = new RateLimiter(new RateLimitOptions { Limit = 3, Window = TimeSpan.FromHours(1) }, _clock);

        var decisions = Enumerable.Range(0, 4).Select(_ => limiter.Acquire("token")!).ToList();
        Assert.That(decisions.Select(d => d.Allowed), Is.EqualTo(new[] { true, true, true, false }));
        Assert.That(decisions.Select(d => d.Remaining), Is.EqualTo(new[] { 2, 1, 0, 0 }));
        Assert.That(decisions[3].ResetIn, Is.EqualTo(TimeSpan.FromHours(1)));

        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.That(limiter.Acquire("token")!.Allowed, Is.False);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That(limiter.Acquire("token")!, Has.Property("Allowed").True.And.Property("Remaining").EqualTo(2));
    }

    [Test]
    public void TimeScaleShrinksTheWindow()
    {
        var limiter = new RateLimiter(new RateLimitOptions { Limit = 1, Window = TimeSpan.FromHours(1), TimeScale = 60 }, _clock);
        limiter.Acquire("token");

        var rejected = limiter.Acquire("token")!;
        Assert.That(rejected.Allowed, Is.False);
        Assert.That(rejected.ResetIn, Is.EqualTo(TimeSpan.FromMinutes(1)));

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That(limiter.Acquire("token")!.Allowed, Is.True);
    }

    [Test]
    public void EachKeyHasItsOwnWindow()
    {
        var limiter = new RateLimiter(new RateLimitOptions { Limit = 1 }, _clock);
        limiter.Acquire("a");

        Assert.That(limiter.Acquire("b")!.Allowed, Is.True);
        Assert.That(limiter.Acquire("a")!.Allowed, Is.False);
    }

    [Test]
    public void ReconfiguringStartsFreshWindowsAndDisablingStopsCounting()
    {
        var limiter = new RateLimiter(new RateLimitOptions { Limit = 1 }, _clock);
        limiter.Acquire("a");

        limiter.Configure(new RateLimitOptions { Limit = 5 });
        Assert.That(limiter.Acquire("a")!.Remaining, Is.EqualTo(4));

        limiter.Configure(new RateLimitOptions { Enabled = false });
        Assert.That(limiter.Acquire("a"), Is.Null);
    }

    [Test]
    public void RejectsNonsenseSettings() =>
        Assert.That(() => new RateLimiter(new RateLimitOptions(), _clock).Configure(new RateLimitOptions { TimeScale = 0 }),
            Throws.ArgumentException);
}
