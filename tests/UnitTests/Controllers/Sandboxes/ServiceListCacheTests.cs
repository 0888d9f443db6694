using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;

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
}
