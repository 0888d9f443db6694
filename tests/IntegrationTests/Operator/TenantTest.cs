using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>
/// A shared cluster as a hostile tenant meets it: two projects on the simulator, the operator started by each test
/// with the flags it needs, an admin's configs and token Secrets, and tenants whose RBAC reaches Sandboxes in their
/// own namespace only.
/// </summary>
public abstract class TenantTest : OperatorTest
{
    protected const string OtherProject = "other-project";

    protected override bool StartOperatorInSetUp => false;

    protected override void ConfigureSimulator(SimulatorOptions options) => options.Projects = [Project, OtherProject];

    /// <summary>The Sandboxes API as a tenant of this test's namespace sees it (its own RBAC, nothing else).</summary>
    protected async Task<GenericClient> TenantSandboxesAsync() =>
        new(await TenantClientAsync(), Sandbox.Group, Sandbox.Version, Sandbox.Plural, disposeClient: true);

    protected static Sandbox Annotated(Sandbox sandbox, string externalName)
    {
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = externalName };
        return sandbox;
    }

    protected async Task<Sandbox?> ReadAsync(string ns, string name)
    {
        try
        {
            return await Sandboxes.ReadNamespacedAsync<Sandbox>(ns, name);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    protected static Task CreateTokenSecretAsync(string ns, string name) => Admin.CoreV1.CreateNamespacedSecretAsync(
        new V1Secret { Metadata = new V1ObjectMeta { Name = name }, StringData = new Dictionary<string, string> { ["token"] = SimulatorOptions.DefaultDevelopmentToken } }, ns);

    /// <summary>Cluster-scoped, so named after this test's namespace to stay apart from parallel tests.</summary>
    protected async Task<string> CreateClusterConfigAsync(
        string name, string secretNamespace, IList<string>? namespaces = null, IList<string>? projects = null, string adoption = AdoptionPolicies.Forbidden, int? maxSandboxes = null)
    {
        var config = new ClusterNorthflankConfig
        {
            Metadata = new V1ObjectMeta { Name = $"{name}-{Namespace}", Labels = new Dictionary<string, string> { [ClusterConfigLabel] = Namespace } },
            Spec = new ClusterNorthflankConfigSpec
            {
                Projects = projects ?? [Project],
                CredentialsSecretRef = new NamespacedSecretKeySelector { Namespace = secretNamespace, Name = "nf-token" },
                Namespaces = namespaces,
                Adoption = adoption,
                Limits = maxSandboxes is { } max ? new NorthflankConfigLimits { MaxSandboxes = max } : null,
            },
        };
        using var client = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, ClusterNorthflankConfig.Plural, disposeClient: false);
        await client.CreateAsync(config);
        return config.Metadata.Name;
    }

    protected static async Task CreateNamespacedConfigAsync(string ns, string name)
    {
        await CreateTokenSecretAsync(ns, "nf-token");
        using var client = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, NorthflankConfig.Plural, disposeClient: false);
        await client.CreateNamespacedAsync(
            new NorthflankConfig
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new NamespacedNorthflankConfigSpec { Projects = [Project, OtherProject], CredentialsSecretRef = new SecretKeySelector { Name = "nf-token" } },
            },
            ns);
    }

    protected static async Task<NorthflankConfigStatus> WaitForConfigAsync(string name, string ready)
    {
        using var client = new GenericClient(Admin, Sandbox.Group, Sandbox.Version, ClusterNorthflankConfig.Plural, disposeClient: false);
        NorthflankConfigStatus? status = null;
        await Poll.UntilAsync(
            async ct =>
            {
                status = (await client.ReadAsync<ClusterNorthflankConfig>(name, ct)).Status;
                return status?.Conditions?.SingleOrDefault(c => c.Type == ConditionTypes.Ready)?.Status == ready;
            },
            TimeSpan.FromSeconds(60),
            $"{name} Ready={ready}");
        return status!;
    }

    /// <summary>
    /// A user who may manage Sandboxes in this test's namespace and nothing else; <paramref name="more"/> adds rules (a
    /// tenant that brings its own NorthflankConfig and token Secret).
    /// </summary>
    protected async Task<Kubernetes> TenantClientAsync(params V1PolicyRule[] more)
    {
        var user = ControlPlane.TakeSpareUser();
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role
            {
                Metadata = new V1ObjectMeta { Name = "sandbox-editor" },
                Rules = [new V1PolicyRule { ApiGroups = [Sandbox.Group], Resources = [Sandbox.Plural], Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"] }, .. more],
            },
            Namespace);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "sandbox-editor" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "sandbox-editor" },
                Subjects = [new Rbacv1Subject { Kind = "User", Name = user.UserName, ApiGroup = "rbac.authorization.k8s.io" }],
            },
            Namespace);
        var client = ControlPlane.CreateClient(user.Token);
        await Poll.UntilAsync(
            async ct =>
            {
                try
                {
                    await new GenericClient(client, Sandbox.Group, Sandbox.Version, Sandbox.Plural, disposeClient: false).ListNamespacedAsync<SandboxList>(Namespace, cancel: ct);
                    return true;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "the tenant's Role to take effect");
        return client;
    }
}
