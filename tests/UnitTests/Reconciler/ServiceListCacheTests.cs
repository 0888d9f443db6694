using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank;
using SandboxOperator.Reconciler;

namespace UnitTests.Reconciler;

public class ServiceListCacheTests
{
    private static readonly NorthflankToken Token = new("token-a");

    [Test]
    public async Task Concurrent_reconciles_share_one_list_call()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new CountingListApi();
        var cache = new ServiceListCache(time);

        var lookups = Enumerable.Range(0, 20).Select(_ => cache.GetAsync(api, Token, "p", time.GetUtcNow(), CancellationToken.None)).ToList();
        api.Release();
        await Task.WhenAll(lookups);

        Assert.That(api.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task A_list_that_started_before_a_write_is_not_trusted_after_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var api = new CountingListApi();
        api.Release();
        var cache = new ServiceListCache(time);
        await cache.GetAsync(api, Token, "p", time.GetUtcNow(), CancellationToken.None);

        await cache.GetAsync(api, Token, "p", time.GetUtcNow() - TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.That(api.Calls, Is.EqualTo(1), "fresh enough: served from the cache");

        time.Advance(TimeSpan.FromSeconds(5));
        await cache.GetAsync(api, Token, "p", time.GetUtcNow(), CancellationToken.None);
        Assert.That(api.Calls, Is.EqualTo(2), "a write at 'now' needs a list started after it");

        await cache.GetAsync(api, new NorthflankToken("token-b"), "p", DateTimeOffset.MinValue, CancellationToken.None);
        Assert.That(api.Calls, Is.EqualTo(3), "another token may see other services: its own list");
    }

    private sealed class CountingListApi : INorthflankApi
    {
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int calls;

        public int Calls => calls;

        public void Release() => release.TrySetResult();

        public async Task<IReadOnlyList<ServiceSummary>> ListServicesAsync(string projectId, RequestPriority priority, CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            return [new ServiceSummary { Id = "sbx-a", Name = "sbx-a" }];
        }

        public Task<ServiceDetails?> GetServiceAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

        public Task<ServiceDetails> PutDeploymentServiceAsync(string projectId, DeploymentServiceRequest request, CancellationToken ct) => throw new NotSupportedException();

        public Task DeleteServiceAsync(string projectId, string serviceId, bool deleteChildObjects, CancellationToken ct) => throw new NotSupportedException();

        public Task PauseServiceAsync(string projectId, string serviceId, CancellationToken ct) => throw new NotSupportedException();

        public Task ResumeServiceAsync(string projectId, string serviceId, int? instances, CancellationToken ct) => throw new NotSupportedException();

        public Task ScaleServiceAsync(string projectId, string serviceId, ScaleRequest request, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<ServicePort>> GetPortsAsync(string projectId, string serviceId, RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<ServicePort>> UpdatePortsAsync(string projectId, string serviceId, IReadOnlyList<PortRequest> ports, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<string, string>> GetRuntimeEnvironmentAsync(string projectId, string serviceId, CancellationToken ct) => throw new NotSupportedException();

        public Task SetRuntimeEnvironmentAsync(string projectId, string serviceId, IReadOnlyDictionary<string, string> variables, CancellationToken ct) => throw new NotSupportedException();

        public Task<VolumeDetails> CreateVolumeAsync(string projectId, VolumeRequest request, CancellationToken ct) => throw new NotSupportedException();

        public Task<VolumeDetails?> GetVolumeAsync(string projectId, string volumeId, RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<VolumeDetails>> ListVolumesAsync(string projectId, RequestPriority priority, CancellationToken ct) => throw new NotSupportedException();

        public Task DeleteVolumeAsync(string projectId, string volumeId, CancellationToken ct) => throw new NotSupportedException();

        public Task AttachVolumeAsync(string projectId, string volumeId, string serviceId, CancellationToken ct) => throw new NotSupportedException();

        public Task DetachVolumeAsync(string projectId, string volumeId, string serviceId, CancellationToken ct) => throw new NotSupportedException();
    }
}
