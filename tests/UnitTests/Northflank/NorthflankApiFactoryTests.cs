using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

[TestFixture]
public sealed class NorthflankApiFactoryTests
{
    [Test]
    public void One_client_and_one_budget_per_token()
    {
        using var factory = new NorthflankApiFactory(new NorthflankClientOptions(), timeProvider: new FakeTimeProvider());
        var a = new NorthflankToken("token-a");

        var first = factory.ForToken(a);
        var again = factory.ForToken(new NorthflankToken(" token-a "));
        var other = factory.ForToken(new NorthflankToken("token-b"));

        Assert.That(again, Is.SameAs(first), "equal tokens share a client");
        Assert.That(other, Is.Not.SameAs(first));
        Assert.That(factory.BudgetFor(a), Is.SameAs(factory.BudgetFor(new NorthflankToken(" token-a "))), "and a budget");
        Assert.That(factory.BudgetFor(a), Is.Not.SameAs(factory.BudgetFor(new NorthflankToken("token-b"))));
        Assert.That(factory.BudgetFor(a).Name, Is.EqualTo(a.Fingerprint));
    }

    [Test]
    public void Concurrent_workers_get_the_same_client()
    {
        using var factory = new NorthflankApiFactory(new NorthflankClientOptions(), timeProvider: new FakeTimeProvider());

        var clients = new INorthflankApi[64];
        Parallel.For(0, clients.Length, i => clients[i] = factory.ForToken(new NorthflankToken("shared-token")));

        Assert.That(clients.Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public void The_budget_follows_the_options()
    {
        using var factory = new NorthflankApiFactory(
            new NorthflankClientOptions { RequestsPerHour = 2000, Headroom = 0.5, BurstSize = 7 }, timeProvider: new FakeTimeProvider());

        var budget = factory.BudgetFor(new NorthflankToken("t"));

        Assert.That(budget.EffectiveRequestsPerHour, Is.EqualTo(1000));
        Assert.That(budget.Remaining, Is.EqualTo(7));
    }

    [Test]
    public void The_budget_knows_how_many_sandboxes_use_its_token_so_its_reserve_keeps_a_delete_for_each()
    {
        using var factory = new NorthflankApiFactory(new NorthflankClientOptions(), timeProvider: new FakeTimeProvider());
        var a = new NorthflankToken("token-a");
        var b = new NorthflankToken("token-b");

        factory.Use("team-a/1", a);
        factory.Use("team-a/2", a);
        factory.Use("team-a/2", a);
        factory.Use("team-b/1", b);
        Assert.That((factory.BudgetFor(a).Holders, factory.BudgetFor(b).Holders), Is.EqualTo((2, 1)), "each holder counted once");

        factory.Use("team-b/1", a);
        factory.Release("team-a/1");
        Assert.That((factory.BudgetFor(a).Holders, factory.BudgetFor(b).Holders), Is.EqualTo((2, 0)), "moved and released");
    }

    [Test]
    public void The_client_prints_only_the_fingerprint()
    {
        using var factory = new NorthflankApiFactory(new NorthflankClientOptions(), timeProvider: new FakeTimeProvider());
        var token = new NorthflankToken("very-secret-token");

        var client = factory.ForToken(token);

        Assert.That(client.ToString(), Does.Not.Contain("very-secret-token"));
        Assert.That(client.ToString(), Does.Contain(token.Fingerprint));
    }

    [Test]
    public void Invalid_options_are_rejected()
    {
        Assert.That(() => new NorthflankApiFactory(new NorthflankClientOptions { Headroom = 1.5 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new NorthflankApiFactory(new NorthflankClientOptions { RequestTimeout = TimeSpan.Zero }), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
