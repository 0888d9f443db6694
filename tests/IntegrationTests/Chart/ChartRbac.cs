using System.Security.Cryptography;
using k8s;
using k8s.Models;
using TestInfra;
using YamlDotNet.RepresentationModel;

namespace IntegrationTests.Chart;

/// <summary>One rendering of the chart's ServiceAccount and RBAC for a release, and ways to apply and remove it.</summary>
internal sealed class ChartRbac
{
    private ChartRbac(string release, string @namespace, List<YamlMappingNode> documents)
    {
        Release = release;
        Namespace = @namespace;
        Documents = documents;
    }

    public string Release { get; }

    /// <summary>The release (and ServiceAccount) namespace.</summary>
    public string Namespace { get; }

    public List<YamlMappingNode> Documents { get; }

    public string ServiceAccountName => Documents.Single("ServiceAccount").Name();

    /// <summary>A release name short enough that the chart's names are never truncated into each other.</summary>
    public static string NewReleaseName() => "nso-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    public static async Task<ChartRbac> RenderAsync(string @namespace, params string[] setValues)
    {
        var release = NewReleaseName();
        var arguments = new List<string> { "--show-only", "templates/serviceaccount.yaml", "--show-only", "templates/rbac.yaml" };
        foreach (var value in setValues)
        {
            arguments.AddRange(["--set", value]);
        }

        var yaml = await ChartHelm.TemplateAsync(release, @namespace, [.. arguments]);
        return new ChartRbac(release, @namespace, ChartHelm.Documents(yaml));
    }

    /// <summary>Every (document, rule) pair of the rendered Roles and ClusterRoles, named for test output.</summary>
    public IEnumerable<(string Id, YamlMappingNode Role, YamlMappingNode Rule)> Rules() =>
        from role in Documents.Where(d => d.Kind() is "Role" or "ClusterRole")
        from rule in role.Seq("rules").Cast<YamlMappingNode>()
        select (Describe(role, rule), role, rule);

    public static string Describe(YamlMappingNode role, YamlMappingNode rule)
    {
        string Join(string key) => rule.Has(key) ? string.Join(",", rule.Seq(key).Select(n => n.ToString())) : "";
        var names = rule.Has("resourceNames") ? $" [{Join("resourceNames")}]" : "";
        return $"{role.Name()}: {Join("resources")}{names} {Join("verbs")}";
    }

    /// <summary>The documents with one rule left out (the rest unchanged).</summary>
    public string YamlWithout(YamlMappingNode role, YamlMappingNode rule)
    {
        var copy = ChartHelm.Documents(ChartHelm.ToYaml(Documents));
        var index = Documents.IndexOf(role);
        var ruleIndex = role.Seq("rules").Children.IndexOf(rule);
        copy[index].Seq("rules").Children.RemoveAt(ruleIndex);
        return ChartHelm.ToYaml(copy);
    }

    public string Yaml() => ChartHelm.ToYaml(Documents);

    public static async Task ApplyAsync(LocalControlPlane controlPlane, string yaml)
    {
        var path = Path.Combine(controlPlane.RootDirectory, $"rbac-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var result = await ToolRunner.RunAsync(Tools.Kubectl, ["apply", "--server-side", "--force-conflicts", "-f", path], controlPlane.AdminKubeconfigPath);
        Assert.That(result.Succeeded, Is.True, result.Describe());
    }

    /// <summary>ClusterRoles and bindings outlive the test namespace; remove them by the release's label.</summary>
    public Task DeleteClusterScopedAsync(LocalControlPlane controlPlane) => DeleteOutsideTestNamespaceAsync(controlPlane, Release);

    /// <summary>
    /// What a release puts outside the test's namespace, so that the namespace's deletion leaves it: its ClusterRoles and
    /// bindings, and the RoleBinding in kube-system that reads the front-proxy CA.
    /// </summary>
    public static async Task DeleteOutsideTestNamespaceAsync(LocalControlPlane controlPlane, string release)
    {
        await ToolRunner.RunAsync(
            Tools.Kubectl,
            ["delete", "clusterrole,clusterrolebinding", "-l", $"app.kubernetes.io/instance={release}", "--ignore-not-found", "--wait=false"],
            controlPlane.AdminKubeconfigPath);
        await ToolRunner.RunAsync(
            Tools.Kubectl,
            ["delete", "rolebinding", "-n", "kube-system", "-l", $"app.kubernetes.io/instance={release}", "--ignore-not-found", "--wait=false"],
            controlPlane.AdminKubeconfigPath);
    }

    /// <summary>Asks the API server, with the ServiceAccount's own token, whether it may make a call.</summary>
    public static async Task<bool> CanIAsync(Kubernetes client, Access access)
    {
        var review = await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
        {
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = access.Verb,
                    Group = access.Group,
                    Resource = access.Resource,
                    Subresource = access.Subresource,
                    NamespaceProperty = access.Namespace,
                    Name = access.Name,
                },
            },
        });
        return review.Status.Allowed;
    }
}

/// <summary>One API call as RBAC sees it. An empty namespace means cluster-wide (all namespaces).</summary>
internal sealed record Access(string Verb, string Group, string Resource, string Namespace, string? Name = null, string? Subresource = null)
{
    public override string ToString() =>
        $"{Verb} {Resource}{(Subresource is null ? "" : "/" + Subresource)}{(Group.Length > 0 ? "." + Group : "")}{(Name is null ? "" : "/" + Name)} in {(Namespace.Length == 0 ? "all namespaces" : Namespace)}";
}
