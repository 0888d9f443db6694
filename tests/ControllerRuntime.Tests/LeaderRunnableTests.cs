using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControllerRuntime.Tests;

/// <summary>
/// Leader runnables run under the real host and KubernetesClient's elector, against an in-memory Lease: they start
/// once this replica holds the Lease, and their token is cancelled when it loses it.
/// </summary>
[TestFixture]
[NonParallelizable] // the host sets Environment.ExitCode when leadership is lost
public class LeaderRunnableTests
{
    private const string Identity = "replica-a";

    [TearDown]
    public void ResetExitCode() => Environment.ExitCode = 0;

    [Test]
    public async Task A_leader_runnable_starts_once_the_lease_is_ours_and_is_cancelled_when_leadership_is_lost()
    {
        var lease = new LeaseServer();
        var probe = new Probe(() => lease.Holder);
        await using var services = Register(lease, probe, election: true);
        var host = services.GetServices<IHostedService>().OfType<OperatorHost>().Single();

        await host.StartAsync(CancellationToken.None);
        await Eventually.True(() => probe.Started);
        Assert.That(probe.HolderAtStart, Is.EqualTo(Identity), "started only once this replica held the lease");
        Assert.That(probe.Cancelled, Is.False);

        lease.Failing = true; // renewals fail: the fence lapses after RenewDeadline
        await Eventually.True(() => probe.Cancelled);
        await host.StopAsync(CancellationToken.None);
        Assert.That(probe.Starts, Is.EqualTo(1), "a deposed leader does not start it again");
    }

    [Test]
    public async Task Without_leader_election_a_leader_runnable_runs_until_the_host_stops()
    {
        var probe = new Probe(() => null);
        await using var services = Register(new LeaseServer(), probe, election: false);
        var host = services.GetServices<IHostedService>().OfType<OperatorHost>().Single();

        await host.StartAsync(CancellationToken.None);
        await Eventually.True(() => probe.Started);
        Assert.That(probe.Cancelled, Is.False);

        await host.StopAsync(CancellationToken.None);
        Assert.That(probe.Cancelled, Is.True);
    }

    [Test]
    public async Task A_leader_runnable_that_throws_is_started_again_and_one_that_returns_is_not()
    {
        var failing = new Probe(() => null) { FailFirst = true };
        var finishing = new Probe(() => null) { ReturnAtOnce = true };
        var runnables = new LeaderRunnables([new ProbeRunnable(failing), new ProbeRunnable(finishing)], AlwaysHeldFence.Instance, TimeProvider.System, NullLogger.Instance);
        using var cts = new CancellationTokenSource();

        var running = runnables.RunAsync(cts.Token);
        await Eventually.True(() => failing.Starts == 2);
        await cts.CancelAsync();
        await running;

        Assert.Multiple(() =>
        {
            Assert.That(failing.Cancelled, Is.True);
            Assert.That(finishing.Starts, Is.EqualTo(1));
        });
    }

    private static ServiceProvider Register(LeaseServer lease, Probe probe, bool election)
    {
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<IHostApplicationLifetime, Lifetime>()
            .AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, lease))
            .AddSingleton(probe);
        services.AddOperatorRuntime(new OperatorRuntimeOptions
        {
            LeaderElection = new LeaderElectionOptions
            {
                Enabled = election,
                Identity = Identity,
                LeaseName = "widgets",
                LeaseNamespace = "ops",
                LeaseDuration = TimeSpan.FromSeconds(2),
                RenewDeadline = TimeSpan.FromSeconds(1),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            },
        }).AddLeaderRunnable<ProbeRunnable>();
        return services.BuildServiceProvider();
    }

    /// <summary>What the runnable saw: when it started, who held the lease then, whether its token was cancelled.</summary>
    private sealed class Probe(Func<string?> holder)
    {
        private int starts;

        public bool FailFirst { get; init; }

        public bool ReturnAtOnce { get; init; }

        public int Starts => Volatile.Read(ref starts);

        public bool Started => Starts > 0;

        public string? HolderAtStart { get; private set; }

        public bool Cancelled { get; private set; }

        public async Task RunAsync(CancellationToken ct)
        {
            if (Interlocked.Increment(ref starts) == 1)
            {
                HolderAtStart = holder();
                if (FailFirst)
                {
                    throw new InvalidOperationException("first run fails");
                }
            }

            if (ReturnAtOnce)
            {
                return;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                Cancelled = ct.IsCancellationRequested;
            }
        }
    }

    private sealed class ProbeRunnable(Probe probe) : ILeaderRunnable
    {
        public Task RunAsync(CancellationToken ct) => probe.RunAsync(ct);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    /// <summary>One Lease in memory, read, created and replaced as the API server would; or every call failing.</summary>
    private sealed class LeaseServer : DelegatingHandler
    {
        private readonly Lock gate = new();
        private V1Lease? lease;
        private int version;

        public volatile bool Failing;

        public string? Holder
        {
            get
            {
                lock (gate)
                {
                    return lease?.Spec?.HolderIdentity;
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (gate)
            {
                if (Failing)
                {
                    return Answer(request, HttpStatusCode.InternalServerError, Status(500));
                }

                if (request.Method == HttpMethod.Get)
                {
                    return lease is null ? Answer(request, HttpStatusCode.NotFound, Status(404)) : Answer(request, HttpStatusCode.OK, KubernetesJson.Serialize(lease));
                }

                lease = KubernetesJson.Deserialize<V1Lease>(body!);
                lease.Metadata.ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Answer(request, request.Method == HttpMethod.Post ? HttpStatusCode.Created : HttpStatusCode.OK, KubernetesJson.Serialize(lease));
            }
        }

        private static string Status(int code) => $"{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":{code}}}";

        private static HttpResponseMessage Answer(HttpRequestMessage request, HttpStatusCode status, string json) =>
            new(status) { RequestMessage = request, Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }
}
