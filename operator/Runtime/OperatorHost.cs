using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SandboxOperator.Runtime;

/// <summary>
/// Runs leader election, then (as leader, or straight away when election is off) every registered controller.
/// On lost leadership it stops the controllers, sets <see cref="Environment.ExitCode"/> to 1 and stops the
/// application, so the orchestrator restarts the pod with clean caches.
/// </summary>
public sealed class OperatorHost : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly IEnumerable<IControllerRegistration> _registrations;
    private readonly OperatorRuntimeOptions _options;
    private readonly OperatorHealth _health;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<OperatorHost> _logger;

    public OperatorHost(
        IServiceProvider services,
        IEnumerable<IControllerRegistration> registrations,
        OperatorRuntimeOptions options,
        OperatorHealth health,
        IHostApplicationLifetime lifetime,
        ILogger<OperatorHost> logger)
    {
        _services = services;
        _registrations = registrations;
        _options = options;
        _health = health;
        _lifetime = lifetime;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var election = _options.LeaderElection;
        _health.LeaderElectionEnabled = election.Enabled;
        if (!election.Enabled)
        {
            _health.IsLeader = true;
            await RunControllersAsync(stoppingToken);
            return;
        }

        election.Validate();
        var identity = election.ResolveIdentity();
        var leaseNamespace = election.ResolveNamespace();
        var kubernetes = _services.GetRequiredService<IKubernetes>();
        var config = new LeaderElectionConfig(new LeaseLock(kubernetes, leaseNamespace, election.LeaseName, identity))
        {
            LeaseDuration = election.LeaseDuration,
            RenewDeadline = election.RenewDeadline,
            RetryPeriod = election.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.OnStartedLeading += () => leading.TrySetResult();
        elector.OnNewLeader += leader =>
        {
            _health.CurrentLeader = leader;
            _logger.LogInformation("Observed leader {Leader} of lease {Namespace}/{Lease}", leader, leaseNamespace, election.LeaseName);
        };
        elector.OnError += ex => _logger.LogWarning("Leader election error: {ErrorType}: {Message}", ex.GetType().Name, ex.Message);

        _logger.LogInformation("Waiting for leadership of lease {Namespace}/{Lease} as {Identity}", leaseNamespace, election.LeaseName, identity);
        using var electionCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var electionTask = elector.RunUntilLeadershipLostAsync(electionCts.Token);
        _ = WarnWhileNoLeaderAsync(leading.Task, leaseNamespace, election, electionCts.Token);
        await Task.WhenAny(leading.Task, electionTask);
        if (!leading.Task.IsCompleted)
        {
            await Observe(electionTask);
            return;
        }

        _health.IsLeader = true;
        _logger.LogInformation("Became leader as {Identity}; starting controllers", identity);
        using var controllersCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var controllersTask = RunControllersAsync(controllersCts.Token);
        await Task.WhenAny(electionTask, controllersTask);
        await controllersCts.CancelAsync();
        await Observe(controllersTask);
        await electionCts.CancelAsync();
        await Observe(electionTask);
        _health.IsLeader = false;

        if (!stoppingToken.IsCancellationRequested)
        {
            _health.LeadershipLost = true;
            _logger.LogCritical("Lost leadership of lease {Namespace}/{Lease} (or controllers stopped unexpectedly); exiting for a clean restart", leaseNamespace, election.LeaseName);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }
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
                if (!leading.IsCompleted && _health.CurrentLeader is null)
                {
                    _logger.LogWarning(
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

    private async Task RunControllersAsync(CancellationToken ct)
    {
        var controllers = _registrations.Select(r => r.Build(_services)).ToList();
        _health.SetControllers(controllers);
        try
        {
            await Task.WhenAll(controllers.Select(c => c.RunAsync(ct)));
        }
        finally
        {
            _health.SetControllers([]);
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
            _logger.LogError("Operator runtime task failed: {ErrorType}: {Message}", ex.GetType().Name, ex.Message);
        }
    }
}
