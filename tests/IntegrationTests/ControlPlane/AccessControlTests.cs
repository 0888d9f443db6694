using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using TestInfra;

namespace IntegrationTests.ControlPlane;

/// <summary>
/// RBAC is enforced: a token has exactly the rights bound to its identity, so the operator can be tested with
/// exactly its chart's Role. Covers all three ways to get a non-admin token.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class AccessControlTests : ControlPlaneTest
{
    private static readonly TimeSpan RbacPropagation = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Service_account_token_is_forbidden_until_a_role_binding_grants_the_call()
    {
        var token = await ControlPlane.CreateServiceAccountTokenAsync(Namespace, "config-reader");
        using var client = ControlPlane.CreateClient(token);
        await AssertForbiddenAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(Namespace));

        await GrantConfigMapReadAsync(new Rbacv1Subject { Kind = "ServiceAccount", Name = "config-reader", NamespaceProperty = Namespace });

        await EventuallyAllowedAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(Namespace));
        // Exactly the Role's rights: other resources stay forbidden.
        await AssertForbiddenAsync(() => client.CoreV1.ListNamespacedSecretAsync(Namespace));
    }

    [Test]
    public async Task Spare_user_token_is_forbidden_until_a_role_binding_grants_the_call()
    {
        var user = ControlPlane.TakeSpareUser();
        using var client = ControlPlane.CreateClient(user.Token);
        await AssertForbiddenAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(Namespace));

        await GrantConfigMapReadAsync(new Rbacv1Subject { Kind = "User", Name = user.UserName, ApiGroup = "rbac.authorization.k8s.io" });

        await EventuallyAllowedAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(Namespace));
    }

    [Test]
    public async Task Declared_user_gets_rights_bound_to_its_group()
    {
        using var client = ControlPlane.CreateClient(ControlPlane.GetUserToken(GlobalSetup.GroupMemberUser));
        await AssertForbiddenAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(Namespace));

        await GrantConfigMapReadAsync(new Rbacv1Subject { Kind = "Group", Name = GlobalSetup.TestGroup, ApiGroup = "rbac.authorization.k8s.io" });

        await EventuallyAllowedAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(Namespace));
    }

    private static async Task AssertForbiddenAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (HttpOperationException ex)
        {
            Assert.That(ex.Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            return;
        }

        Assert.Fail("expected 403 Forbidden, but the call succeeded");
    }

    /// <summary>The RBAC authorizer reads bindings from an informer cache, so a new binding takes a moment.</summary>
    private static Task EventuallyAllowedAsync(Func<Task> call) =>
        Poll.UntilAsync(
            async _ =>
            {
                try
                {
                    await call();
                    return true;
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
                {
                    return false;
                }
            },
            RbacPropagation,
            "the RoleBinding takes effect");

    private async Task GrantConfigMapReadAsync(Rbacv1Subject subject)
    {
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role
            {
                Metadata = new V1ObjectMeta { Name = "configmap-reader" },
                Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get", "list"] }],
            },
            Namespace);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "configmap-reader" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "configmap-reader" },
                Subjects = [subject],
            },
            Namespace);
    }
}
