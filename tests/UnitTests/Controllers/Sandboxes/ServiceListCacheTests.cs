using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

public class ServiceListCacheTests
{
    private static readonly NorthflankToken Token = new("token-a");

    [Test]
    public async Task Concurrent_reconciles_share_one_list_call()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new ListOnlyApi(held: true);
        var cache = new ServiceListCache(time);

        var lookups = Enumerable.Range(0, 20).Select(_ => cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Observe, CancellationToken.None)).ToList();
        api.Release();
        await Task.WhenAll(lookups);

        Assert.That(api.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_confirming_list_does_not_wait_behind_an_observing_list_still_in_flight()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new ListOnlyApi(held: true);
        var cache = new ServiceListCache(time);

        var observing = cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Observe, CancellationToken.None);
        var confirming = cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Confirm, CancellationToken.None);
        var secondConfirm = cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Confirm, CancellationToken.None);

        Assert.That(api.Priorities, Is.EqualTo(new[] { RequestPriority.Observe, RequestPriority.Confirm }), "one list per priority in flight");
        api.Release();
        await Task.WhenAll(observing, confirming, secondConfirm);
        Assert.That(api.Calls, Has.Count.EqualTo(2), "the second confirm shared the first one's list");
    }

    [Test]
    public async Task A_list_that_started_before_a_write_is_not_trusted_after_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new ListOnlyApi();
        var cache = new ServiceListCache(time);
        await cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Observe, CancellationToken.None);

        await cache.GetAsync(api, Token, "p", time.GetUtcNow() - TimeSpan.FromSeconds(1), RequestPriority.Observe, CancellationToken.None);
        Assert.That(api.Calls, Has.Count.EqualTo(1), "fresh enough: served from the cache");

        time.Advance(TimeSpan.FromSeconds(5));
        await cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Observe, CancellationToken.None);
        Assert.That(api.Calls, Has.Count.EqualTo(2), "a write at 'now' needs a list started after it");

        await cache.GetAsync(api, new NorthflankToken("token-b"), "p", DateTimeOffset.MinValue, RequestPriority.Observe, CancellationToken.None);
        Assert.That(api.Calls, Has.Count.EqualTo(3), "another token may see other services: its own list");
    }

    [Test]
    public async Task The_lists_of_a_dropped_token_go_with_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new ListOnlyApi();
        var cache = new ServiceListCache(time);
        var other = new NorthflankToken("token-b");
        await cache.GetAsync(api, Token, "p", DateTimeOffset.MinValue, RequestPriority.Observe, CancellationToken.None);
        await cache.GetAsync(api, other, "p", DateTimeOffset.MinValue, RequestPriority.Observe, CancellationToken.None);

        cache.Forget(Token.Fingerprint);
        await cache.GetAsync(api, Token, "p", DateTimeOffset.MinValue, RequestPriority.Observe, CancellationToken.None);
        await cache.GetAsync(api, other, "p", DateTimeOffset.MinValue, RequestPriority.Observe, CancellationToken.None);

        Assert.That(api.Calls, Has.Count.EqualTo(3), "listed again for the dropped token only");
    }

    [TestCase(3, new[] { "GET svc-1", "GET svc-2", "GET svc-3" }, 3)]
    [TestCase(10, new[] { "p" }, 10)]
    public async Task A_few_services_in_a_big_project_are_read_one_by_one_and_many_by_the_list(int wanted, string[] calls, int cost)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new ListOnlyApi();
        api.Services["p"] = [.. Enumerable.Range(0, 1000).Select(i => ListOnlyApi.Service($"svc-{i}", "COMPLETED"))]; // 10 pages
        var cache = new ServiceListCache(time);
        await cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Observe, CancellationToken.None);
        api.Calls.Clear();
        time.Advance(TimeSpan.FromSeconds(1));
        api.Services["p"][1] = ListOnlyApi.Service("svc-1", "IN_PROGRESS");

        var seen = await cache.ObserveAsync(api, Token, "p", [.. Enumerable.Range(1, wanted).Select(i => $"svc-{i}")], time.GetUtcNow(), RequestPriority.Confirm, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(api.Calls, Is.EqualTo(calls), "fewer calls than the list's 10 pages: a GET each; as many or more: the list");
            Assert.That(seen.Services["svc-1"]?.Status?.Deployment?.Status, Is.EqualTo("IN_PROGRESS"));
            Assert.That(seen.Calls, Is.EqualTo(cost), "the look says what it cost: a GET each, or the list's pages");
            Assert.That(cache.TryLook(Token, "p", "svc-1", time.GetUtcNow(), out var looked) && looked?.Status?.Deployment?.Status == "IN_PROGRESS", Is.True,
                "what was read answers a reconcile's look without another call");
        });
    }

    [Test]
    public async Task A_service_read_as_gone_confirms_its_delete_until_a_newer_list_says_otherwise()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new ListOnlyApi();
        api.Services["p"] = [.. Enumerable.Range(0, 500).Select(i => ListOnlyApi.Service($"svc-{i}", "COMPLETED"))];
        var cache = new ServiceListCache(time);
        await cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Observe, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        var deleteSent = time.GetUtcNow();
        api.Services["p"].RemoveAt(7);
        time.Advance(TimeSpan.FromSeconds(1));

        await cache.ObserveAsync(api, Token, "p", ["svc-7"], time.GetUtcNow(), RequestPriority.Confirm, CancellationToken.None);

        Assert.That(cache.TryLook(Token, "p", "svc-7", deleteSent, out var gone) && gone is null, Is.True, "the read after the DELETE says it is gone");
        Assert.That(cache.TryLook(Token, "p", "svc-8", deleteSent, out _), Is.False, "a read of one service says nothing of another");
        api.Services["p"].Add(ListOnlyApi.Service("svc-7", "PENDING"));
        time.Advance(TimeSpan.FromSeconds(1));
        await cache.GetAsync(api, Token, "p", time.GetUtcNow(), RequestPriority.Observe, CancellationToken.None);
        Assert.That(cache.TryLook(Token, "p", "svc-7", deleteSent, out var back) && back is not null, Is.True, "the newest look answers");
    }

    [Test]
    public async Task A_project_never_listed_is_listed_whatever_is_asked_of_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new ListOnlyApi();
        var cache = new ServiceListCache(time);

        await cache.ObserveAsync(api, Token, "p", ["svc-1"], time.GetUtcNow(), RequestPriority.Confirm, CancellationToken.None);

        Assert.That(api.Calls, Is.EqualTo(new[] { "p" }), "its size is unknown until listed once");
    }
}
