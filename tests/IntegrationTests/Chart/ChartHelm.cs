using TestInfra;
using YamlDotNet.RepresentationModel;

namespace IntegrationTests.Chart;

/// <summary>Runs helm on the chart (with its own cache and config, outside the user's home) and reads what it renders.</summary>
internal static class ChartHelm
{
    public static string ChartDirectory { get; } = Path.Combine(RepositoryRoot.Path, "charts", "northflank-sandbox-operator");

    private static readonly string HelmHome = Path.Combine(Path.GetTempPath(), $"nso-chart-tests-helm-{Environment.ProcessId}");

    private static readonly Dictionary<string, string> HelmEnvironment = new()
    {
        ["HELM_CACHE_HOME"] = Path.Combine(HelmHome, "cache"),
        ["HELM_CONFIG_HOME"] = Path.Combine(HelmHome, "config"),
        ["HELM_DATA_HOME"] = Path.Combine(HelmHome, "data"),
    };

    public static Task<ToolResult> RunAsync(IEnumerable<string> arguments, string? kubeconfig = null) =>
        ToolRunner.RunAsync(Tools.Helm, arguments, kubeconfig, HelmEnvironment);

    /// <summary><c>helm template RELEASE CHART -n NAMESPACE ARGS</c>; fails the test when helm does.</summary>
    public static async Task<string> TemplateAsync(string release, string @namespace, params string[] arguments)
    {
        var result = await RunAsync(["template", release, ChartDirectory, "--namespace", @namespace, .. arguments]);
        Assert.That(result.Succeeded, Is.True, result.Describe());
        return result.StandardOutput;
    }

    /// <summary>
    /// Renders against the cluster's real API versions (<c>--dry-run=server</c>), so e.g. the PodDisruptionBudget
    /// takes the version the server serves.
    /// </summary>
    public static async Task<string> TemplateForClusterAsync(string kubeconfig, string release, string @namespace, params string[] arguments)
    {
        var result = await RunAsync(["template", release, ChartDirectory, "--namespace", @namespace, "--dry-run=server", .. arguments], kubeconfig);
        Assert.That(result.Succeeded, Is.True, result.Describe());
        return result.StandardOutput;
    }

    /// <summary>The rendered documents, skipping empty ones.</summary>
    public static List<YamlMappingNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static string Kind(this YamlMappingNode document) => document.Scalar("kind");

    public static string Name(this YamlMappingNode document) => document.Map("metadata").Scalar("name");

    public static YamlMappingNode Single(this IEnumerable<YamlMappingNode> documents, string kind, string? name = null) =>
        documents.Where(d => d.Kind() == kind && (name is null || d.Name() == name)).ToList() switch
        {
            [var one] => one,
            var many => throw new AssertionException($"expected one {kind} {name}, found {many.Count}"),
        };

    public static YamlMappingNode Map(this YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node)[key];

    public static YamlSequenceNode Seq(this YamlNode node, string key) => (YamlSequenceNode)((YamlMappingNode)node)[key];

    public static string Scalar(this YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value ?? "" : "";

    public static bool Has(this YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(key);

    /// <summary>Serializes documents back into one multi-document YAML stream (for kubectl apply).</summary>
    public static string ToYaml(IEnumerable<YamlMappingNode> documents)
    {
        using var writer = new StringWriter();
        foreach (var document in documents)
        {
            // YamlStream.Save writes no document separator of its own.
            writer.WriteLine("---");
            new YamlStream(new YamlDocument(document)).Save(writer, assignAnchors: false);
            writer.WriteLine();
        }

        return writer.ToString();
    }

    /// <summary>The operator container's args.</summary>
    public static List<string> OperatorArgs(this IEnumerable<YamlMappingNode> documents) =>
        [.. documents.Single("Deployment").Map("spec").Map("template").Map("spec").Seq("containers")
            .Cast<YamlMappingNode>().Single(c => c.Scalar("name") == "operator").Seq("args").Cast<YamlScalarNode>().Select(a => a.Value ?? "")];
}
