using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.Pipeline;

namespace UnitTests.Simulator;

public sealed class RateLimiterTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Test]
    public void Allows_the_limit_then_rejects_until_the_window_ends()
    {
        var limiter = new RateLimiter(new RateLimitOptions { Limit = 3, Window = TimeSpan.FromHours(1) }, clock);

        var decisions = Enumerable.Range(0, 4).Select(_ => limiter.Acquire("token")!).ToList();
        Assert.That(decisions.Select(d => d.Allowed), Is.EqualTo(new[] { true, true, true, false }));
        Assert.That(decisions.Select(d => d.Remaining), Is.EqualTo(new[] { 2, 1, 0, 0 }));
        Assert.That(decisions[3].ResetIn, Is.EqualTo(TimeSpan.FromHours(1)));

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.That(limiter.Acquire("token")!.Allowed, Is.False);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That(limiter.Acquire("token")!, Has.Property("Allowed").True.And.Property("Remaining").EqualTo(2));
    }

    [Test]
    public void Time_scale_shrinks_the_window()
    {
        var limiter = new RateLimiter(new RateLimitOptions { Limit = 1, Window = TimeSpan.FromHours(1), TimeScale = 60 }, clock);
        limiter.Acquire("token");

        var rejected = limiter.Acquire("token")!;
        Assert.That(rejected.Allowed, Is.False);
        Assert.That(rejected.ResetIn, Is.EqualTo(TimeSpan.FromMinutes(1)));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That(limiter.Acquire("token")!.Allowed, Is.True);
    }

    [Test]
    public void Each_key_has_its_own_window()
    {
        var limiter = new RateLimiter(new RateLimitOptions { Limit = 1 }, clock);
        limiter.Acquire("a");

        Assert.That(limiter.Acquire("b")!.Allowed, Is.True);
        Assert.That(limiter.Acquire("a")!.Allowed, Is.False);
    }

    [Test]
    public void Reconfiguring_starts_fresh_windows_and_disabling_stops_counting()
    {
        var limiter = new RateLimiter(new RateLimitOptions { Limit = 1 }, clock);
        limiter.Acquire("a");

        limiter.Configure(new RateLimitOptions { Limit = 5 });
        Assert.That(limiter.Acquire("a")!.Remaining, Is.EqualTo(4));

        limiter.Configure(new RateLimitOptions { Enabled = false });
        Assert.That(limiter.Acquire("a"), Is.Null);
    }

    [Test]
    public void Rejects_nonsense_settings() =>
        Assert.That(() => new RateLimiter(new RateLimitOptions(), clock).Configure(new RateLimitOptions { TimeScale = 0 }),
            Throws.ArgumentException);
}
