using k8s;
using TestInfra;

namespace IntegrationTests.Chart;

/// <summary>
/// The chart's RBAC, applied to a real API server and queried with the chart ServiceAccount's own token
/// (SelfSubjectAccessReview, the call behind `kubectl auth can-i`): every call the operator makes is allowed, and
/// what it must never do is denied.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ChartRbacTests : ControlPlaneTest
{
    private const string Sandbox = "sandbox.northflank.com";
    private const string Coordination = "coordination.k8s.io";
    private const string Lease = "northflank-sandbox-operator";
    private static readonly TimeSpan RbacPropagation = TimeSpan.FromSeconds(30);
    private ChartRbac? rbac;

    [TearDown]
    public async Task DeleteClusterScopedObjects()
    {
        if (rbac is not null)
        {
            await rbac.DeleteClusterScopedAsync(ControlPlane);
        }
    }

    /// <summary>What the operator does in a namespace whose Sandboxes it reconciles.</summary>
    private static IEnumerable<Access> SandboxNamespaceCalls(string ns) =>
    [
        new("list", Sandbox, "sandboxes", ns), new("watch", Sandbox, "sandboxes", ns), new("get", Sandbox, "sandboxes", ns, "a"),
        new("patch", Sandbox, "sandboxes", ns, "a"), new("delete", Sandbox, "sandboxes", ns, "a"),
        new("patch", Sandbox, "sandboxes", ns, "a", "status"),
        new("list", "", "secrets", ns), new("watch", "", "secrets", ns), new("get", "", "secrets", ns, "token"),
        new("list", "", "configmaps", ns), new("watch", "", "configmaps", ns), new("get", "", "configmaps", ns, "env"),
        new("create", "", "events", ns), new("patch", "", "events", ns, "a.1"),
        new("list", Sandbox, "northflankconfigs", ns), new("watch", Sandbox, "northflankconfigs", ns), new("get", Sandbox, "northflankconfigs", ns, "nf"),
        new("patch", Sandbox, "northflankconfigs", ns, "nf", "status"),
        new("create", Sandbox, "sandboxes", ns),
        new("list", Sandbox, "sandboxtemplates", ns), new("watch", Sandbox, "sandboxtemplates", ns), new("get", Sandbox, "sandboxtemplates", ns, "t"),
        new("patch", Sandbox, "sandboxtemplates", ns, "t", "status"),
        new("list", Sandbox, "sandboxwarmpools", ns), new("watch", Sandbox, "sandboxwarmpools", ns), new("get", Sandbox, "sandboxwarmpools", ns, "p"),
        new("patch", Sandbox, "sandboxwarmpools", ns, "p", "status"),
        new("list", Sandbox, "sandboxclaims", ns), new("watch", Sandbox, "sandboxclaims", ns), new("get", Sandbox, "sandboxclaims", ns, "c"),
        new("patch", Sandbox, "sandboxclaims", ns, "c", "status"),
    ];

    /// <summary>Reading the cluster's ClusterNorthflankConfigs and writing their status, in every mode.</summary>
    private static IEnumerable<Access> ClusterConfigCalls() =>
    [
        new("list", Sandbox, "clusternorthflankconfigs", ""), new("watch", Sandbox, "clusternorthflankconfigs", ""),
        new("get", Sandbox, "clusternorthflankconfigs", "", "shared"), new("patch", Sandbox, "clusternorthflankconfigs", "", "shared", "status"),
    ];

    /// <summary>Leader election in the operator's own namespace.</summary>
    private static IEnumerable<Access> LeaseCalls(string ns) =>
        [new("create", Coordination, "leases", ns), new("get", Coordination, "leases", ns, Lease), new("update", Coordination, "leases", ns, Lease)];

    /// <summary>Never needed, wherever the operator runs.</summary>
    private static IEnumerable<Access> NeverAllowed(string ns, string other) =>
    [
        new("create", "", "secrets", ns), new("update", "", "secrets", ns, "token"), new("patch", "", "secrets", ns, "token"),
        new("delete", "", "secrets", ns, "token"), new("create", "", "pods", ns), new("create", "", "pods", other),
        new("update", Sandbox, "sandboxes", ns, "a"),
        new("update", Sandbox, "sandboxes", ns, "a", "status"), new("deletecollection", Sandbox, "sandboxes", ns),
        new("create", "", "configmaps", ns), new("delete", "", "events", ns, "a.1"),
        new("create", "rbac.authorization.k8s.io", "roles", other), new("bind", "rbac.authorization.k8s.io", "roles", other),
        new("escalate", "rbac.authorization.k8s.io", "clusterroles", ""), new("create", "", "serviceaccounts", ns, null, "token"),
        new("list", "", "namespaces", ""), new("create", "apiextensions.k8s.io", "customresourcedefinitions", ""),
        new("update", Coordination, "leases", ns, "someone-elses-lease"), new("delete", Coordination, "leases", ns, Lease),
        new("get", Coordination, "leases", other, Lease), new("create", Coordination, "leases", other),
        // Configs are the tenants' (namespaced) and the cluster admin's (cluster-wide): the operator only reads them.
        new("create", Sandbox, "northflankconfigs", ns), new("update", Sandbox, "northflankconfigs", ns, "nf"),
        new("delete", Sandbox, "northflankconfigs", ns, "nf"), new("create", Sandbox, "clusternorthflankconfigs", ""),
        new("patch", Sandbox, "clusternorthflankconfigs", "", "shared"), new("delete", Sandbox, "clusternorthflankconfigs", "", "shared"),
        // Templates, pools and claims are the tenants': the operator reads them and writes only their status (with patch).
        new("create", Sandbox, "sandboxtemplates", ns), new("patch", Sandbox, "sandboxtemplates", ns, "t"), new("delete", Sandbox, "sandboxtemplates", ns, "t"),
        new("update", Sandbox, "sandboxtemplates", ns, "t", "status"),
        new("patch", Sandbox, "sandboxwarmpools", ns, "p"), new("delete", Sandbox, "sandboxwarmpools", ns, "p"), new("update", Sandbox, "sandboxwarmpools", ns, "p", "scale"),
        new("create", Sandbox, "sandboxclaims", ns), new("patch", Sandbox, "sandboxclaims", ns, "c"), new("delete", Sandbox, "sandboxclaims", ns, "c"),
    ];

    [Test]
    public async Task Cluster_wide_allows_every_operator_call_in_any_namespace_and_nothing_more()
    {
        rbac = await ChartRbac.RenderAsync(Namespace);
        const string anywhere = "any-team";

        await AssertAccessAsync(
            allowed: [.. SandboxNamespaceCalls(anywhere), .. SandboxNamespaceCalls(""), .. LeaseCalls(Namespace), .. ClusterConfigCalls()],
            denied: [.. NeverAllowed(anywhere, "kube-system"), .. NeverAllowed(Namespace, anywhere)]);
    }

    [Test]
    public async Task Namespaced_allows_calls_only_in_watched_namespaces_and_only_the_credentials_secret_at_home()
    {
        var watched = await ControlPlane.CreateNamespaceAsync("watched");
        const string unwatched = "not-watched";
        try
        {
            rbac = await ChartRbac.RenderAsync(Namespace, $"watchNamespaces={{{watched}}}");

            await AssertAccessAsync(
                allowed: [.. SandboxNamespaceCalls(watched), .. LeaseCalls(Namespace), .. ClusterConfigCalls(), new("get", "", "secrets", Namespace, "northflank-credentials")],
                denied:
                [
                    .. SandboxNamespaceCalls(unwatched), .. SandboxNamespaceCalls(""), .. NeverAllowed(watched, unwatched),
                    // At home: the one Secret, by name; no other Secret, no listing, no Sandboxes.
                    new("get", "", "secrets", Namespace, "another-secret"), new("list", "", "secrets", Namespace),
                    new("watch", "", "secrets", Namespace), new("list", Sandbox, "sandboxes", Namespace),
                ]);
        }
        finally
        {
            await Admin.CoreV1.DeleteNamespaceAsync(watched);
        }
    }

    private async Task AssertAccessAsync(IReadOnlyList<Access> allowed, IReadOnlyList<Access> denied)
    {
        await ChartRbac.ApplyAsync(ControlPlane, rbac!.Yaml());
        var token = await ControlPlane.CreateServiceAccountTokenAsync(Namespace, rbac.ServiceAccountName);
        using var client = ControlPlane.CreateClient(token);

        // The authorizer reads bindings from an informer cache: wait until every grant has arrived...
        var missing = allowed.ToList();
        try
        {
            await Poll.UntilAsync(
                async _ =>
                {
                    var stillMissing = new List<Access>();
                    foreach (var access in missing)
                    {
                        if (!await ChartRbac.CanIAsync(client, access))
                        {
                            stillMissing.Add(access);
                        }
                    }

                    missing = stillMissing;
                    return missing.Count == 0;
                },
                RbacPropagation,
                "the chart's RBAC to take effect");
        }
        catch (TimeoutException)
        {
            Assert.Fail("not allowed, but the operator needs it:\n  " + string.Join("\n  ", missing));
        }

        // ...then nothing that should be denied is allowed (a later grant could only widen, never narrow, this).
        var wronglyAllowed = new List<Access>();
        foreach (var access in denied)
        {
            if (await ChartRbac.CanIAsync(client, access))
            {
                wronglyAllowed.Add(access);
            }
        }

        Assert.That(wronglyAllowed, Is.Empty, "allowed, but the operator must not: " + string.Join("; ", wronglyAllowed));
    }
}
