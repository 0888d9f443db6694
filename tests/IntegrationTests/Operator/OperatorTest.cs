using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NorthflankSimulator;
using NorthflankSimulator.Inspection;
using SandboxOperator.Api.Crds;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// Each test gets its own namespace, its own Northflank simulator and its own operator process watching only that
/// namespace, so tests run in parallel without seeing each other's Sandboxes.
/// </summary>
public abstract class OperatorTest : ControlPlaneTest
{
    protected const string SecretName = "northflank-credentials";
    protected const string Project = SimulatorOptions.DefaultProjectId;
    private const int RequestsPerHour = 1_000_000;

    /// <summary>The label that gives a ClusterNorthflankConfig to this test's operator (value: the test's namespace).</summary>
    protected const string ClusterConfigLabel = "sandbox.northflank.com/test";
    private static readonly SemaphoreSlim CrdLock = new(1, 1);
    private static bool crdInstalled;
    private readonly List<OperatorProcess> operators = [];
    private readonly HashSet<string> provokedRejections = new(StringComparer.Ordinal);

    protected SimulatorHost Simulator { get; private set; } = null!;

    protected GenericClient Sandboxes { get; private set; } = null!;

    /// <summary>The operator process started last.</summary>
    protected OperatorProcess Operator => operators[^1];

    protected string LogDirectory => Path.Combine(ControlPlane.RootDirectory, "operator-logs", Namespace);

    /// <summary>Override to tune the simulator (deploy timing, faults) before the operator starts.</summary>
    protected virtual void ConfigureSimulator(SimulatorOptions options)
    {
    }

    /// <summary>Override to start the operator later (or with other flags) in a test.</summary>
    protected virtual bool StartOperatorInSetUp => true;

    [SetUp]
    public async Task StartSimulatorAndOperator()
    {
        await InstallCrdOnceAsync();
        var options = new SimulatorOptions();
        options.Deployment.PendingDuration = TimeSpan.FromMilliseconds(200);
        options.Deployment.InProgressDuration = TimeSpan.FromMilliseconds(600);
        // The account's limit matches the operator's --requests-per-hour below: the operator believes Northflank's
        // rate-limit headers, so a lower simulated limit would pace every test (tests about limits set their own).
        options.RateLimit.Limit = RequestsPerHour;
        ConfigureSimulator(options);
        Simulator = await SimulatorHost.StartAsync(options);
        Sandboxes = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, Sandbox.Plural, disposeClient: false);
        await Admin.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = SecretName }, StringData = new Dictionary<string, string> { ["token"] = SimulatorOptions.DefaultDevelopmentToken } },
            Namespace);
        if (StartOperatorInSetUp)
        {
            StartOperator();
        }
    }

    [TearDown]
    public async Task StopOperatorAndSimulator()
    {
        if (Simulator is not null && TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            AssertOnlyWhatNorthflankAccepts();
        }

        foreach (var process in operators)
        {
            if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            {
                TestContext.Out.WriteLine($"--- operator log {process.LogPath} (tail) ---\n{process.LogTail(60)}");
            }

            await process.DisposeAsync();
        }

        if (Simulator is not null)
        {
            await Simulator.DisposeAsync();
        }
    }

    /// <summary>
    /// Declares that this test makes Northflank refuse a request (400) on purpose, naming the field the refusal names.
    /// Any other 400 in the simulator's log fails the test: the simulator is as strict as Northflank's API reference, so
    /// a 400 nobody provoked is a request a real account would refuse.
    /// </summary>
    protected void ExpectNorthflankRejection(string field) => provokedRejections.Add(field);

    private void AssertOnlyWhatNorthflankAccepts()
    {
        var unprovoked = Simulator.GetRequests()
            .Where(r => r.Status == 400 && (r.ErrorField is null || !provokedRejections.Contains(r.ErrorField)))
            .Select(r => $"{r.Method} {r.Route} -> 400 {r.ErrorId} on {r.ErrorField}")
            .ToList();
        Assert.That(unprovoked, Is.Empty, "Northflank would refuse these requests, and this test did not provoke them");
        var deprecated = Simulator.GetRequests().Where(r => r.Deprecated).Select(r => $"{r.Method} {r.Route}").Distinct().ToList();
        Assert.That(deprecated, Is.Empty, "the operator must not need Northflank's deprecated endpoints");
    }

    /// <summary>Starts an operator process (another replica when one runs already).</summary>
    protected OperatorProcess StartOperator(bool leaderElection = false, string? kubeconfig = null, params string[] extraArguments)
    {
        var name = $"operator-{operators.Count}";
        var arguments = new List<string>
        {
            "--kubeconfig", kubeconfig ?? ControlPlane.AdminKubeconfigPath,
            "--northflank-url", Simulator.BaseUrl.ToString(),
            "--default-project", Project,
            "--credentials-secret", $"{Namespace}/{SecretName}",
            "--namespaces", Namespace,
            "--pod-namespace", Namespace,
            "--cluster-id", "it",
            // Cluster-scoped configs are seen by every test's operator: each serves only its own test's.
            "--cluster-config-selector", $"{ClusterConfigLabel}={Namespace}",
            "--leader-election", leaderElection ? "true" : "false",
            "--progress-poll-interval", "00:00:00.3",
            "--invalid-input-retry-interval", "00:00:30",
            "--requests-per-hour", RequestsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--health-address", "http://127.0.0.1:0",
            "--Logging:LogLevel:SandboxOperator", "Debug",
            "--Logging:LogLevel:ControllerRuntime", "Debug",
        };
        arguments.AddRange(extraArguments);
        var process = OperatorProcess.Start(name, arguments, LogDirectory);
        operators.Add(process);
        return process;
    }

    protected static Sandbox NewSandbox(string name, Action<SandboxSpec>? configure = null)
    {
        var sandbox = new Sandbox { Metadata = new V1ObjectMeta { Name = name }, Spec = new SandboxSpec { Image = "python:3.12-slim", Command = "sleep infinity" } };
        configure?.Invoke(sandbox.Spec);
        return sandbox;
    }

    protected Task<Sandbox> CreateAsync(Sandbox sandbox) => Sandboxes.CreateNamespacedAsync(sandbox, Namespace);

    protected async Task<Sandbox?> GetAsync(string name)
    {
        try
        {
            return await Sandboxes.ReadNamespacedAsync<Sandbox>(Namespace, name);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    protected async Task<Sandbox> UpdateSpecAsync(string name, Action<SandboxSpec> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var sandbox = await GetAsync(name) ?? throw new InvalidOperationException($"{name} not found");
            change(sandbox.Spec);
            try
            {
                return await Sandboxes.ReplaceNamespacedAsync(sandbox, Namespace, name);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                // The operator wrote status or finalizers in between; read again.
            }
        }
    }

    /// <summary>Deletes a Sandbox (the answer is the object while finalizers hold it, a Status once it is gone at once).</summary>
    protected Task DeleteAsync(string name) =>
        Admin.CustomObjects.DeleteNamespacedCustomObjectAsync(Sandbox.Group, Sandbox.Version, Namespace, Sandbox.Plural, name);

    /// <summary>Waits until a condition has the given status (and reason) for the Sandbox's current generation.</summary>
    protected async Task<Sandbox> WaitForConditionAsync(string name, string type, string status, string? reason = null, TimeSpan? timeout = null)
    {
        Sandbox? last = null;
        try
        {
            await Poll.UntilAsync(
                async _ =>
                {
                    last = await GetAsync(name);
                    var condition = last?.Status?.Conditions?.FirstOrDefault(c => c.Type == type);
                    return condition is not null && condition.Status == status && (reason is null || condition.Reason == reason)
                        && condition.ObservedGeneration == last!.Metadata.Generation;
                },
                timeout ?? TimeSpan.FromSeconds(60),
                $"{name} {type}={status}{(reason is null ? "" : $" ({reason})")}");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{name}: {type} never became {status} {reason}; last conditions: {Describe(last)}\n--- operator log ---\n{Operator.LogTail(30)}");
        }

        return last!;
    }

    protected async Task WaitUntilGoneAsync(string name, TimeSpan? timeout = null) =>
        await Poll.UntilAsync(async _ => await GetAsync(name) is null, timeout ?? TimeSpan.FromSeconds(60), $"{name} to be deleted");

    protected IReadOnlyList<ServiceSnapshot> ServicesOnNorthflank() => Simulator.GetState().Services;

    protected IReadOnlyList<VolumeSnapshot> VolumesOnNorthflank() => Simulator.GetState().Volumes;

    protected async Task<IList<Corev1Event>> EventsForAsync(string name) =>
        (await Admin.CoreV1.ListNamespacedEventAsync(Namespace, fieldSelector: $"involvedObject.name={name}")).Items;

    protected static string Describe(Sandbox? sandbox) =>
        sandbox?.Status?.Conditions is { } conditions
            ? string.Join("; ", conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message} (gen {c.ObservedGeneration})"))
            : "no status";

    private static async Task InstallCrdOnceAsync()
    {
        await CrdLock.WaitAsync();
        try
        {
            if (crdInstalled)
            {
                return;
            }

            await SandboxFleet.InstallCrdAsync(ControlPlane.AdminKubeconfigPath);
            crdInstalled = true;
        }
        finally
        {
            CrdLock.Release();
        }
    }
}
