using System.Text.Json;
using ControllerRuntime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common.Setup;
using SandboxOperator.Controllers.Sandboxes.Setup;
using UnitTests.Northflank;

namespace UnitTests.Controllers.Sandboxes.Setup;

/// <summary>The status write as the API server sees it, through the real Kubernetes client against a stub server.</summary>
public class SandboxWriterTests
{
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(10);
    private StubServer? stub;
    private Kubernetes? kubernetes;
    private FakeTimeProvider time = null!;
    private LeaseFence fence = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider();
        fence = new LeaseFence(RenewDeadline, time);
        fence.Renewed(time.GetTimestamp());
    }

    [TearDown]
    public async Task TearDown()
    {
        kubernetes?.Dispose();
        fence.Dispose();
        if (stub is not null)
        {
            await stub.DisposeAsync();
        }
    }

    [Test]
    public async Task The_status_is_replaced_whole_by_one_patch_conditional_on_the_resource_version_it_was_computed_from()
    {
        var writer = await StartAsync(_ => new StubResponse(200, JsonSerializer.Serialize(new { metadata = new { name = "agent-1", resourceVersion = "101" } })));
        var sandbox = SandboxFactory.New();

        var version = await writer.WriteStatusAsync(sandbox, new SandboxStatus { ServiceId = "svc", ObservedGeneration = 1 }, CancellationToken.None);

        var request = stub!.Requests.Single();
        var ops = request.Json.EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(version, Is.EqualTo("101"), "the version the write returned");
            Assert.That(request.Method, Is.EqualTo("PATCH"));
            Assert.That(request.Path, Is.EqualTo("/apis/sandbox.northflank.com/v1alpha1/namespaces/team-a/sandboxes/agent-1/status"));
            Assert.That(ops, Has.Count.EqualTo(2));
            Assert.That(ops[0].GetProperty("op").GetString(), Is.EqualTo("replace"), "a replace of the resourceVersion: 409 when stale");
            Assert.That(ops[0].GetProperty("path").GetString(), Is.EqualTo("/metadata/resourceVersion"));
            Assert.That(ops[0].GetProperty("value").GetString(), Is.EqualTo("100"));
            Assert.That(ops[1].GetProperty("op").GetString(), Is.EqualTo("add"));
            Assert.That(ops[1].GetProperty("path").GetString(), Is.EqualTo("/status"));
            Assert.That(ops[1].GetProperty("value").GetProperty("serviceId").GetString(), Is.EqualTo("svc"));
        });
    }

    [Test]
    public async Task A_conflict_is_a_conflict_exception_for_the_runtime_to_retry_on_fresh_data()
    {
        var writer = await StartAsync(_ => new StubResponse(409, JsonSerializer.Serialize(new
        {
            kind = "Status",
            apiVersion = "v1",
            status = "Failure",
            reason = "Conflict",
            code = 409,
            message = "the object has been modified; please apply your changes to the latest version and try again",
        })));

        Assert.That(
            () => writer.WriteStatusAsync(SandboxFactory.New(), new SandboxStatus(), CancellationToken.None),
            Throws.InstanceOf<ConflictException>().With.Message.Contains("resourceVersion 100"));
    }

    [Test]
    public async Task Once_the_fence_is_closed_no_status_write_and_no_delete_is_sent()
    {
        var writer = await StartAsync(_ => new StubResponse(200, "{}"));
        time.Advance(RenewDeadline);

        Assert.Multiple(() =>
        {
            Assert.That(() => writer.WriteStatusAsync(SandboxFactory.New(), new SandboxStatus(), CancellationToken.None), Throws.InstanceOf<LeadershipLostException>());
            Assert.That(() => writer.DeleteSandboxAsync(SandboxFactory.New(), CancellationToken.None), Throws.InstanceOf<LeadershipLostException>());
            Assert.That(stub!.Requests, Is.Empty);
        });
    }

    private async Task<SandboxWriter> StartAsync(Func<RecordedRequest, StubResponse> handler)
    {
        stub = await StubServer.StartAsync(handler);
        kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = stub.BaseUrl.ToString() });
        return new SandboxWriter(new EntityClient<Sandbox>(kubernetes, fence: fence), new NoEvents(), NullLogger<StatusWriter<Sandbox, SandboxStatus>>.Instance);
    }
}

/// <summary>An event recorder that records nothing: these tests look at the status and delete requests only.</summary>
internal sealed class NoEvents : IEventRecorder
{
    public Task RecordAsync(k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> involvedObject, EventType type, string reason, string message, CancellationToken ct = default) =>
        Task.CompletedTask;
}
