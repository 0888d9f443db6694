using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

/// <summary>The write guard (the host's leadership fence) is asked just before every write is sent, and only then.</summary>
public sealed class NorthflankWriteGuardTests
{
    private const string Project = "sandbox-project";

    [Test]
    public async Task A_refused_write_is_never_sent_nor_retried_while_reads_go_on()
    {
        await using var stub = await StubServer.StartAsync(_ => StubResponse.Error(404, "Not found"));
        var time = new FakeTimeProvider();
        var options = new NorthflankClientOptions { BaseUrl = stub.BaseUrl, RetryBaseDelay = TimeSpan.Zero };
        using var budget = new RequestBudget(options.RequestsPerHour, options.Headroom, options.BurstSize, time, "test");
        var asked = 0;
        using var client = new NorthflankApiClient(new NorthflankToken("nf-token"), TestGate.Of(options, budget), options.Wire, timeProvider: time, beforeWrite: () =>
        {
            asked++;
            throw new InvalidOperationException("not the leader");
        });

        var read = await client.GetServiceAsync(Project, "svc-1", RequestPriority.Observe, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Null);
            Assert.That(() => client.ResumeServiceAsync(Project, "svc-1", 1, CancellationToken.None), Throws.InvalidOperationException);
            Assert.That(() => client.DeleteServiceAsync(Project, "svc-1", true, CancellationToken.None), Throws.InvalidOperationException);
            Assert.That(() => client.PauseServiceAsync(Project, "svc-1", CancellationToken.None), Throws.InvalidOperationException);
        });
        Assert.Multiple(() =>
        {
            Assert.That(asked, Is.EqualTo(3), "once per write: a refusal is not retried");
            Assert.That(stub.Requests.Select(r => r.Method), Is.EqualTo(new[] { "GET" }));
        });
    }
}
