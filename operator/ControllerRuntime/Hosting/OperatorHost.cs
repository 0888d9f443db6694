using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControllerRuntime;

/// <summary>
/// Runs leader election, then (as leader, or straight away when election is off) every registered controller and
/// <see cref="ILeaderRunnable"/>.
/// Leadership is fenced: the <see cref="LeaseFence"/> closes when the elector stops leading or, on the local clock,
/// RenewDeadline after the last renewal was sent, whichever comes first; closing it cancels in-flight reconciles at
/// once and every write checks it before sending. Then the host stops the controllers, sets
/// <see cref="Environment.ExitCode"/> to 1 and stops the application, so the orchestrator restarts the pod with clean
/// caches.
/// </summary>
public sealed class OperatorHost : BackgroundService
{
    private readonly IServiceProvider services;
    private readonly IEnumerable<IControllerRegistration> registrations;
    private readonly OperatorRuntimeOptions options;
    private readonly OperatorHealth health;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<OperatorHost> logger;

    public OperatorHost(
        IServiceProvider services,
        IEnumerable<IControllerRegistration> registrations,
        OperatorRuntimeOptions options,
        OperatorHealth health,
        IHostApplicationLifetime lifetime,
        ILogger<OperatorHost> logger)
    {
        this.services = services;
        this.registrations = registrations;
        this.options = options;
        this.health = health;
        this.lifetime = lifetime;
        this.logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var election = options.LeaderElection;
        health.LeaderElectionEnabled = election.Enabled;
        if (!election.Enabled)
        {
            health.IsLeader = true;
            await RunControllersAsync(stoppingToken);
            return;
        }

        election.Validate();
        var identity = election.ResolveIdentity();
        var leaseNamespace = election.ResolveNamespace();
        var fence = services.GetRequiredService<LeaseFence>();
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var elector = CreateElector(election, identity, leaseNamespace, fence, leading);

        logger.LogInformation("Waiting for leadership of lease {Namespace}/{Lease} as {Identity}", leaseNamespace, election.LeaseName, identity);
        // Not linked to stoppingToken: a leader that is asked to stop keeps renewing while its reconciles drain, or
        // its own fence would cut the drain short. Stopping before leadership stops the election at once.
        using var electionCts = new CancellationTokenSource();
        using var stopWhileWaiting = stoppingToken.Register(() =>
        {
            if (!leading.Task.IsCompleted)
            {
                electionCts.Cancel();
            }
        });
        var electionTask = elector.RunUntilLeadershipLostAsync(electionCts.Token);
        _ = WarnWhileNoLeaderAsync(leading.Task, leaseNamespace, election, electionCts.Token);
        await Task.WhenAny(leading.Task, electionTask);
        if (!leading.Task.IsCompleted)
        {
            await Observe(electionTask);
            return;
        }

        logger.LogInformation("Became leader as {Identity}; starting controllers", identity);
        await LeadAsync(fence, electionTask, electionCts, stoppingToken);
        if (!stoppingToken.IsCancellationRequested)
        {
            health.LeadershipLost = true;
            logger.LogCritical(
                "Lost leadership of lease {Namespace}/{Lease} ({Reason}); writes were fenced off at once; exiting for a clean restart",
                leaseNamespace, election.LeaseName, fence.LostReason ?? "controllers stopped unexpectedly");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private LeaderElector CreateElector(LeaderElectionOptions election, string identity, string leaseNamespace, LeaseFence fence, TaskCompletionSource leading)
    {
        var lease = new LeaseLock(services.GetRequiredService<IKubernetes>(), leaseNamespace, election.LeaseName, identity);
        var config = new LeaderElectionConfig(new FencingLock(lease, fence, services.GetService<TimeProvider>()))
        {
            LeaseDuration = election.LeaseDuration,
            RenewDeadline = election.RenewDeadline,
            RetryPeriod = election.RetryPeriod,
        };
        var elector = new LeaderElector(config);
        elector.OnStartedLeading += () => leading.TrySetResult();
        elector.OnStoppedLeading += () => fence.Lose("the elector stopped leading");
        elector.OnNewLeader += leader =>
        {
            health.CurrentLeader = leader;
            logger.LogInformation("Observed leader {Leader} of lease {Namespace}/{Lease}", leader, leaseNamespace, election.LeaseName);
        };
        elector.OnError += ex => logger.LogWarning("Leader election error: {ErrorType}: {Message}", ex.GetType().Name, ex.Message);
        return elector;
    }

    /// <summary>
    /// Runs the controllers until leadership ends (the elector gives up, or the fence lapses on the clock), they stop
    /// on their own, or the host stops. Lost leadership has already cancelled their in-flight reconciles through the
    /// fence's token; a stop of the host lets them drain while the elector goes on renewing.
    /// </summary>
    private async Task LeadAsync(LeaseFence fence, Task electionTask, CancellationTokenSource electionCts, CancellationToken stoppingToken)
    {
        health.IsLeader = true;
        var fenceClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onFenceClosed = fence.Token.Register(() => fenceClosed.TrySetResult());
        using var controllersCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var controllersTask = RunControllersAsync(controllersCts.Token);
        await Task.WhenAny(electionTask, controllersTask, fenceClosed.Task);
        if (!stoppingToken.IsCancellationRequested)
        {
            // Whatever ended it, nothing may write as the leader from now on.
            fence.Lose(fence.LostReason ?? "the controllers stopped unexpectedly");
        }

        await controllersCts.CancelAsync();
        await Observe(controllersTask);
        await electionCts.CancelAsync();
        await Observe(electionTask);
        health.IsLeader = false;
    }

    /// <summary>
    /// KubernetesClient's elector swallows a refused Lease create (e.g. RBAC 403) and just keeps trying, so the one
    /// visible symptom is that nobody ever leads: say so, with the likely cause, until a leader appears.
    /// </summary>
    private async Task WarnWhileNoLeaderAsync(Task leading, string leaseNamespace, LeaderElectionOptions election, CancellationToken ct)
    {
        var grace = election.LeaseDuration * 2;
        try
        {
            while (!leading.IsCompleted && !ct.IsCancellationRequested)
            {
                await Task.WhenAny(leading, Task.Delay(grace, ct));
                if (!leading.IsCompleted && health.CurrentLeader is null)
                {
                    logger.LogWarning(
                        "No leader of lease {Namespace}/{Lease} after {Seconds} s: check that the operator may get, create and update leases in {Namespace}",
                        leaseNamespace, election.LeaseName, (int)grace.TotalSeconds, leaseNamespace);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>The controllers and the leader runnables: what only the leader runs.</summary>
    private async Task RunControllersAsync(CancellationToken ct)
    {
        var controllers = registrations.Select(r => r.Build(services)).ToList();
        var runnables = new LeaderRunnables(
            services.GetServices<ILeaderRunnable>(),
            services.GetService<ILeadershipFence>() ?? AlwaysHeldFence.Instance,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            logger);
        health.SetControllers(controllers);
        try
        {
            await Task.WhenAll(controllers.Select(c => c.RunAsync(ct)).Append(runnables.RunAsync(ct)));
        }
        finally
        {
            health.SetControllers([]);
        }
    }

    private async Task Observe(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            logger.LogError("Operator runtime task failed: {ErrorType}: {Message}", ex.GetType().Name, ex.Message);
        }
    }
}
