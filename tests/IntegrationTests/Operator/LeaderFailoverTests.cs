using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using NorthflankSimulator;
using NorthflankSimulator.Inspection;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.Wire;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// Leader failover under load, the hard way: the leader is frozen (SIGSTOP, as in a long GC or VM pause) while one of
/// its Northflank writes is in flight, the standby takes the Lease, and the old leader resumes with everything it was
/// doing still in hand. The two replicas have their own Kubernetes identities (ServiceAccounts) and Northflank tokens,
/// so the API server's audit log and the simulator's request log tell them apart.
/// Without the leadership fence (LeaseFence.IsHeld always true, Lose a no-op) this test fails: on resume the old
/// leader's elector needs another RenewDeadline to notice, its controllers then drain, and meanwhile it patches
/// Northflank services and Sandbox statuses for about ten seconds after the new leader took the Lease.
/// </summary>
public class LeaderFailoverTests : OperatorTest
{
    private const int SandboxCount = 30;
    private const string LeaseName = "northflank-sandbox-operator";

    // Simulator tokens, test values only; still never printed: only their fingerprints are.
    private const string TokenA = "nf-replica-a-test-token";
    private const string TokenB = "nf-replica-b-test-token";

    protected override bool StartOperatorInSetUp => false;

    protected override void ConfigureSimulator(SimulatorOptions options)
    {
        options.Tokens = [new SimulatorToken(SimulatorOptions.DefaultDevelopmentToken), new SimulatorToken(TokenA), new SimulatorToken(TokenB)];
        // The load is about failover, not the hourly limit (the operator's budget follows the simulator's headers).
        options.RateLimit.Enabled = false;
    }

    [Test]
    public async Task Leader_failover_under_load_no_write_from_the_old_leader_after_it_lost_the_Lease_and_no_leaked_or_duplicated_service()
    {
        var a = await StartReplicaAsync("replica-a", TokenA);
        var identityA = await WaitForHolderAsync(_ => true, "replica-a to lead");
        var b = await StartReplicaAsync("replica-b", TokenB);
        await b.Process.WaitForHealthAddressAsync(TimeSpan.FromSeconds(30));

        var names = SandboxFleet.Names("load", SandboxCount);
        await SandboxFleet.CreateAsync(Admin, Namespace, names.Select(SandboxFleet.Minimal));
        using var load = new CancellationTokenSource();
        var loadTask = UpdateInALoopAsync(names, load.Token);
        try
        {
            await FreezeMidWriteAsync(a);
            var frozenAt = DateTimeOffset.UtcNow;
            await WaitForHolderAsync(holder => holder != identityA, "the standby to take the Lease", TimeSpan.FromSeconds(60));
            Simulator.UpdateFaults(f => f.HoldNextWrites = 0);
            await Poll.UntilAsync(_ => Task.FromResult(WritesBy(TokenB).Count >= 10), TimeSpan.FromSeconds(60), "the new leader to write under load");

            a.Process.Resume();
            var exitCode = await a.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.That(exitCode, Is.Not.Zero, "a deposed leader exits for a clean restart");
            var lost = a.Process.ReadLog().Split('\n').FirstOrDefault(l => l.Contains("Lost leadership", StringComparison.Ordinal));
            Assert.That(lost, Is.Not.Null, "the old leader says why it exits");
            TestContext.Out.WriteLine($"replica-a exited with {exitCode}: {JsonDocument.Parse(lost!).RootElement.GetProperty("Message").GetString()}");

            await load.CancelAsync();
            await loadTask;
            await AssertNoWriteFromTheOldLeaderAsync(a, b, frozenAt);
        }
        finally
        {
            await load.CancelAsync();
            await loadTask.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await AssertEverySandboxReadyWithOneServiceAsync(names);
        await SandboxFleet.DeleteAllAsync(Admin, Namespace);
        await Poll.UntilAsync(async ct => await SandboxFleet.CountAsync(Admin, Namespace, ct) == 0, TimeSpan.FromSeconds(120), "every Sandbox to be finalized");
        Assert.That(ServicesOnNorthflank(), Is.Empty, "no service leaked");
        Assert.That(VolumesOnNorthflank(), Is.Empty, "no volume leaked");
    }

    /// <summary>Hold the answers of the next Northflank updates, and freeze the leader while one is held.</summary>
    private async Task FreezeMidWriteAsync(Replica leader)
    {
        await Poll.UntilAsync(_ => Task.FromResult(WritesBy(leader.Token).Count(r => r.Method == "PATCH") >= 5), TimeSpan.FromSeconds(90), "the leader to update services under load");
        Simulator.UpdateFaults(f =>
        {
            f.WriteMethod = "PATCH";
            f.HoldAfterWrite = TimeSpan.FromSeconds(3);
            f.HoldNextWrites = 2;
        });
        await Poll.UntilAsync(_ => Task.FromResult(Simulator.HeldResponses >= 1), TimeSpan.FromSeconds(30), "an update of the leader to be applied and its answer held");
        leader.Process.Pause();
    }

    private async Task AssertNoWriteFromTheOldLeaderAsync(Replica a, Replica b, DateTimeOffset frozenAt)
    {
        // The audit event is written right after the response: give the last ones a moment to reach the file.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var audit = ControlPlane.ReadAuditLog().Where(e => e.Namespace == Namespace).ToList();
        var acquisition = audit.Where(e => e.User == b.User && e.IsWriteOf("leases") && e.Code is 200 or 201).MinBy(e => e.Received)
            ?? throw new AssertionException("the audit log has no Lease write by the new leader");
        var lease = await Admin.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, Namespace);
        var acquired = acquisition.Received;

        var lateNorthflank = WritesBy(a.Token).Where(r => r.Time >= acquired).ToList();
        var sandboxWritesA = audit.Where(e => e.User == a.User && e.IsWriteOf("sandboxes")).ToList();
        // A write the API server refused with 409 changed nothing: its resourceVersion was older than the new leader's
        // writes, which is the optimistic-concurrency fence every Sandbox write carries. It can still be sent after the
        // Lease moved: the freeze may fall between a fence check and the send, a gap no client-side fence closes.
        var lateKubernetes = sandboxWritesA.Where(e => e.Completed >= acquired && e.Code != 409).ToList();
        var lateRefused = sandboxWritesA.Count(e => e.Completed >= acquired && e.Code == 409);
        var lastNorthflank = WritesBy(a.Token).Select(r => r.Time).DefaultIfEmpty().Max();
        var lastKubernetes = sandboxWritesA.Select(e => e.Completed).DefaultIfEmpty().Max();
        TestContext.Out.WriteLine(string.Join('\n',
            $"Sandboxes: {SandboxCount}; replica-a frozen at {frozenAt:HH:mm:ss.fff}, Lease taken by replica-b at {acquired:HH:mm:ss.fff} " +
            $"({(acquired - frozenAt).TotalSeconds:F1} s later; Lease acquireTime {lease.Spec.AcquireTime:HH:mm:ss.fff}, transitions {lease.Spec.LeaseTransitions})",
            $"replica-a: {WritesBy(a.Token).Count} Northflank writes, the last {Relative(lastNorthflank, acquired)}; " +
            $"{sandboxWritesA.Count} Sandbox writes, the last {Relative(lastKubernetes, acquired)}; {lateRefused} sent after it refused (409)",
            $"replica-b: {WritesBy(b.Token).Count} Northflank writes, {audit.Count(e => e.User == b.User && e.IsWriteOf("sandboxes"))} Sandbox writes",
            $"audit log of the whole run so far: {new FileInfo(ControlPlane.AuditLogPath!).Length / 1024} KB"));

        Assert.Multiple(() =>
        {
            Assert.That(lateNorthflank.Select(r => $"{r.Time:HH:mm:ss.fff} {r.Method} {r.Path} -> {r.Status}"), Is.Empty, "Northflank writes by the old leader after the new one took the Lease");
            Assert.That(lateKubernetes.Select(e => e.ToString()), Is.Empty, "Sandbox writes (status, finalizers) by the old leader after the new one took the Lease, other than those refused for a stale resourceVersion");
            Assert.That(sandboxWritesA, Is.Not.Empty, "the old leader did write before it was frozen");
        });
    }

    private async Task AssertEverySandboxReadyWithOneServiceAsync(IReadOnlyList<string> names)
    {
        var serviceIds = new List<string?>();
        foreach (var name in names)
        {
            var sandbox = await WaitForConditionAsync(name, ConditionTypes.Ready, "True", timeout: TimeSpan.FromSeconds(90));
            serviceIds.Add(sandbox.Status?.ServiceId);
        }

        var services = ServicesOnNorthflank();
        Assert.Multiple(() =>
        {
            Assert.That(services, Has.Count.EqualTo(SandboxCount), "exactly one service per Sandbox");
            Assert.That(serviceIds, Is.Unique.And.All.Not.Null);
            Assert.That(services.Select(s => s.Id), Is.EquivalentTo(serviceIds));
        });
    }

    /// <summary>Changes one Sandbox after the other (an env value), so the leader always has updates to apply.</summary>
    private async Task UpdateInALoopAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        for (var round = 0; !ct.IsCancellationRequested; round++)
        {
            var value = round.ToString(CultureInfo.InvariantCulture);
            try
            {
                await UpdateSpecAsync(names[round % names.Count], spec => spec.Env = [new SandboxEnvVar { Name = "ROUND", Value = value }]);
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                // Lost a race with the operator's writes more often than UpdateSpecAsync retries: next one.
            }
        }
    }

    private List<RequestRecord> WritesBy(string token)
    {
        var fingerprint = "sha256:" + new NorthflankToken(token).Fingerprint;
        return [.. Simulator.GetRequests().Where(r => r.TokenFingerprint == fingerprint && r.Method != "GET")];
    }

    private async Task<string> WaitForHolderAsync(Func<string, bool> matches, string what, TimeSpan? timeout = null)
    {
        string? holder = null;
        await Poll.UntilAsync(
            async ct =>
            {
                var leases = await Admin.CoordinationV1.ListNamespacedLeaseAsync(Namespace, fieldSelector: $"metadata.name={LeaseName}", cancellationToken: ct);
                holder = leases.Items.FirstOrDefault()?.Spec?.HolderIdentity;
                return holder is not null && matches(holder);
            },
            timeout ?? TimeSpan.FromSeconds(60),
            what);
        return holder!;
    }

    /// <summary>A replica with its own ServiceAccount (admin of this namespace only) and its own Northflank token.</summary>
    private async Task<Replica> StartReplicaAsync(string name, string token)
    {
        var kubeToken = await ControlPlane.CreateServiceAccountTokenAsync(Namespace, name);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = name },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "cluster-admin" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = Namespace }],
            },
            Namespace);
        await GrantClusterConfigReadingAsync($"system:serviceaccount:{Namespace}:{name}", name);
        var secret = $"{name}-credentials";
        await Admin.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = secret }, StringData = new Dictionary<string, string> { ["token"] = token } },
            Namespace);
        var process = StartOperator(
            leaderElection: true,
            kubeconfig: ControlPlane.WriteKubeconfig(kubeToken),
            "--lease-namespace", Namespace,
            "--credentials-secret", $"{Namespace}/{secret}");
        return new Replica(process, $"system:serviceaccount:{Namespace}:{name}", token);
    }

    /// <summary>ClusterNorthflankConfigs are cluster-scoped: a namespace's admin cannot read them, and the operator must.</summary>
    private async Task GrantClusterConfigReadingAsync(string serviceAccount, string name)
    {
        const string role = "nso-test-cluster-config-reader";
        try
        {
            await Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
            {
                Metadata = new V1ObjectMeta { Name = role },
                Rules = [new V1PolicyRule { ApiGroups = [SandboxOperator.Api.V1Alpha1.Sandbox.Group], Resources = ["clusternorthflankconfigs"], Verbs = ["get", "list", "watch"] }],
            });
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Another test made it already.
        }

        await Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = $"{Namespace}-{name}" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = serviceAccount.Split(':')[^1], NamespaceProperty = Namespace }],
        });
    }

    private static string Relative(DateTimeOffset time, DateTimeOffset reference) =>
        time == default ? "never" : $"{(time - reference).TotalSeconds:+0.000;-0.000} s from the takeover";

    /// <summary>A class, not a record: a record would print its token.</summary>
    private sealed class Replica(OperatorProcess process, string user, string token)
    {
        public OperatorProcess Process { get; } = process;

        /// <summary>Its Kubernetes user name, as the audit log records it.</summary>
        public string User { get; } = user;

        public string Token { get; } = token;
    }
}
