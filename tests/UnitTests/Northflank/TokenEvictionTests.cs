using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;
using SandboxOperator.Telemetry;

namespace UnitTests.Northflank;

/// <summary>A token's client, budget, circuit and metric series go when no holder uses it and it is idle for the grace period.</summary>
[TestFixture]
public sealed class TokenEvictionTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    private FakeTimeProvider time = null!;
    private NorthflankApiFactory factory = null!;
    private List<string> evicted = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider();
        factory = new NorthflankApiFactory(new NorthflankClientOptions { UnusedTokenGrace = Grace }, timeProvider: time, workers: 4);
        evicted = [];
        factory.Evicted += evicted.Add;
    }

    [TearDown]
    public void TearDown() => factory.Dispose();

    [Test]
    public void A_token_is_dropped_once_its_last_sandbox_is_gone_and_the_grace_period_has_passed()
    {
        var token = new NorthflankToken("tenant-a");
        factory.Use("uid-1", token);
        factory.Use("uid-2", token);
        var budget = factory.BudgetFor(token);

        factory.Release("uid-1");
        time.Advance(Grace * 2);
        Assert.That(factory.Count, Is.EqualTo(1), "another Sandbox still uses it");

        factory.Release("uid-2");
        time.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.That(factory.Count, Is.EqualTo(1), "not before the grace period");

        time.Advance(Grace);
        Assert.Multiple(() =>
        {
            Assert.That(factory.Count, Is.Zero);
            Assert.That(evicted, Is.EqualTo(new[] { token.Fingerprint }));
            Assert.That(() => budget.AcquireAsync(RequestPriority.Write, CancellationToken.None), Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(BudgetSeries(), Does.Not.Contain(token.Fingerprint), "its northflank_budget_remaining series is gone");
        });
        Assert.That(factory.BudgetFor(token), Is.Not.SameAs(budget), "used again: a fresh client and budget");
    }

    [Test]
    public void A_sandbox_moving_to_another_token_releases_the_old_one()
    {
        var old = new NorthflankToken("rotated-away");
        var current = new NorthflankToken("rotated-to");
        factory.Use("uid-1", old);
        Assert.That(BudgetSeries(), Does.Contain(old.Fingerprint));

        factory.Use("uid-1", current);
        time.Advance(Grace * 2);

        Assert.That(evicted, Is.EqualTo(new[] { old.Fingerprint }));
        Assert.That(factory.Count, Is.EqualTo(1));
        Assert.That(BudgetSeries(), Does.Contain(current.Fingerprint).And.Not.Contain(old.Fingerprint));
    }

    [Test]
    public void A_token_used_without_a_holder_goes_once_idle_and_a_used_one_stays()
    {
        var checkedOnly = new NorthflankToken("config-check");
        factory.ForToken(checkedOnly);
        var used = new NorthflankToken("in-use");
        factory.Use("uid-1", used);

        for (var i = 0; i < 4; i++)
        {
            time.Advance(Grace);
            factory.Use("uid-1", used); // Reconciled again and again: stays.
        }

        Assert.That(evicted, Is.EqualTo(new[] { checkedOnly.Fingerprint }));
    }

    [Test]
    public void The_use_carries_the_tokens_share_of_the_workers()
    {
        var a = factory.Use("uid-1", new NorthflankToken("a"));

        var entered = Enumerable.Range(0, 4).Count(i => a.TryEnter($"ns/s{i}"));

        Assert.That(entered, Is.EqualTo(3), "one of the four workers stays free for other tokens");
        Assert.That(a.WakeOnRecovery("ns/s0"), Is.False, "the circuit is closed: nothing to wait for");
    }

    /// <summary>The tokens northflank_budget_remaining reports right now.</summary>
    private static List<string> BudgetSeries()
    {
        var tokens = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NorthflankTelemetry.Name && instrument.Name == BudgetTelemetry.BudgetRemainingName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "token")
                {
                    tokens.Add((string)tag.Value!);
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return tokens;
    }
}
