using k8s;
using k8s.Models;
using TestInfra;

namespace IntegrationTests.Chart;

/// <summary>
/// Who may exec into a Sandbox and read its logs once the chart is installed: the tenant roles fold exec into edit and
/// admin and logs into view (Kubernetes' own aggregation controller runs on the control plane), and the operator's
/// ServiceAccount may do exactly what delegated authorization needs. Asked of the real API server's authorizer with
/// SubjectAccessReviews, so what is checked is RBAC itself, not the YAML.
/// </summary>
public sealed class ChartConnectRbacTests : ControlPlaneTest
{
    private const string ConnectGroup = "connect.sandbox.northflank.com";
    private string release = string.Empty;

    [TearDown]
    public Task DeleteClusterScopedObjects() => ChartRbac.DeleteOutsideTestNamespaceAsync(ControlPlane, release);

    [Test]
    public async Task Editors_may_exec_and_read_logs_viewers_only_read_logs_and_others_neither()
    {
        await ApplyChartRbacAsync();
        await BindAsync("alice", "edit");
        await BindAsync("bob", "view");

        // The aggregation controller folds the tenant roles into edit and view a moment after they appear.
        await Poll.UntilAsync(_ => AllowedAsync("alice", "create", "exec"), TimeSpan.FromSeconds(30), "edit gains sandboxes/exec");
        await Poll.UntilAsync(_ => AllowedAsync("bob", "get", "log"), TimeSpan.FromSeconds(30), "view gains sandboxes/log");

        Assert.Multiple(async () =>
        {
            Assert.That(await AllowedAsync("alice", "get", "log"), Is.True, "an editor reads logs");
            Assert.That(await AllowedAsync("bob", "create", "exec"), Is.False, "a viewer never execs");
            Assert.That(await AllowedAsync("carol", "create", "exec"), Is.False, "no binding, no exec");
            Assert.That(await AllowedAsync("carol", "get", "log"), Is.False, "no binding, no logs");
            Assert.That(await AllowedAsync("alice", "create", "exec", @namespace: "default"), Is.False, "an editor of one namespace, not of another");
        });
    }

    [Test]
    public async Task The_operator_may_review_access_and_read_the_front_proxy_ca_but_not_change_it()
    {
        await ApplyChartRbacAsync();
        var serviceAccount = $"system:serviceaccount:{Namespace}:{release}-northflank-sandbox-operator";

        Assert.Multiple(async () =>
        {
            Assert.That(await ReviewAsync(serviceAccount, new V1ResourceAttributes { Group = "authorization.k8s.io", Resource = "subjectaccessreviews", Verb = "create" }), Is.True);
            Assert.That(await ReviewAsync(serviceAccount, new V1ResourceAttributes { Resource = "configmaps", Verb = "get", NamespaceProperty = "kube-system", Name = "extension-apiserver-authentication" }), Is.True);
            Assert.That(await ReviewAsync(serviceAccount, new V1ResourceAttributes { Resource = "configmaps", Verb = "update", NamespaceProperty = "kube-system", Name = "extension-apiserver-authentication" }), Is.False);
            Assert.That(await ReviewAsync(serviceAccount, new V1ResourceAttributes { Group = "apiregistration.k8s.io", Resource = "apiservices", Verb = "update", Name = "v1alpha1.connect.sandbox.northflank.com" }), Is.False, "it never rewrites its own APIService");
            Assert.That(await ReviewAsync("system:serviceaccount:default:default", new V1ResourceAttributes { Group = "authorization.k8s.io", Resource = "subjectaccessreviews", Verb = "create" }), Is.False, "the binding names only the operator");
        });
    }

    /// <summary>The ServiceAccount, the operator's and the tenants' roles, and the delegation bindings; no APIService
    /// (one with no server behind it would make discovery fail for every other test on this control plane).</summary>
    private async Task ApplyChartRbacAsync()
    {
        release = ChartRbac.NewReleaseName();
        var yaml = await ChartHelm.TemplateAsync(
            release,
            Namespace,
            "--show-only", "templates/serviceaccount.yaml",
            "--show-only", "templates/rbac.yaml",
            "--show-only", "templates/tenant-rbac.yaml",
            "--show-only", "templates/connect.yaml");
        var documents = ChartHelm.Documents(yaml).Where(d => d.Kind() is not ("APIService" or "Service" or "Secret")).ToList();
        Assert.That(documents.Select(d => d.Kind()), Does.Contain("ClusterRoleBinding").And.Contain("RoleBinding"));
        await ChartRbac.ApplyAsync(ControlPlane, ChartHelm.ToYaml(documents));
    }

    private async Task BindAsync(string user, string clusterRole) =>
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = $"{user}-{clusterRole}" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = clusterRole },
                Subjects = [new Rbacv1Subject { Kind = "User", Name = user, ApiGroup = "rbac.authorization.k8s.io" }],
            },
            Namespace);

    private Task<bool> AllowedAsync(string user, string verb, string subresource, string? @namespace = null) =>
        ReviewAsync(user, new V1ResourceAttributes
        {
            Group = ConnectGroup,
            Resource = "sandboxes",
            Subresource = subresource,
            Verb = verb,
            NamespaceProperty = @namespace ?? Namespace,
            Name = "agent",
        });

    private static async Task<bool> ReviewAsync(string user, V1ResourceAttributes attributes)
    {
        var review = await Admin.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec { User = user, Groups = ["system:authenticated"], ResourceAttributes = attributes },
        });
        return review.Status.Allowed;
    }
}
