using System.Text.Json;
using Cel;
using TestInfra;
using YamlDotNet.RepresentationModel;

namespace IntegrationTests.Chart;

/// <summary>
/// The Flux <c>healthCheckExprs</c> of the GitOps example, run as Flux runs them (RFC 0009, fluxcd/pkg runtime/cel): an
/// object whose status.observedGeneration differs from its generation is InProgress; else the first of inProgress,
/// failed, current that is true gives its status, InProgress when none is; an expression that errors (a field not
/// there yet) leaves the status Unknown, which Flux waits on like InProgress. Run on the samples the Argo CD scripts
/// are tested on (examples/gitops/test/cases), so the two GitOps tools agree on every one.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class FluxHealthCheckTests
{
    private static readonly string Kustomization = Path.Combine(GitOpsExamplesTests.GitOps, "flux", "sandboxes-kustomization.yaml");

    /// <summary>What each Argo CD health may be in Flux, which has no Suspended: paused as asked is Current, expired waits.</summary>
    private static readonly Dictionary<string, string[]> FluxFor = new(StringComparer.Ordinal)
    {
        ["Healthy"] = ["Current"],
        ["Degraded"] = ["Failed"],
        ["Progressing"] = ["InProgress", "Unknown"],
        ["Suspended"] = ["Current", "InProgress"],
    };

    public static IEnumerable<string> Kinds() => ["Sandbox", "SandboxWarmPool", "SandboxClaim"];

    [TestCaseSource(nameof(Kinds))]
    public async Task Flux_gives_every_sample_the_health_argo_gives_it(string kind)
    {
        var expressions = ExpressionsFor(kind);
        var samples = await SamplesAsync(kind);

        var wrong = samples.Select(s => (s.Name, s.Expected, Flux: Evaluate(expressions, s.Object)))
            .Where(s => !FluxFor[s.Expected].Contains(s.Flux))
            .Select(s => $"{s.Name}: Argo CD {s.Expected}, Flux {s.Flux}").ToList();

        Assert.That(samples, Has.Count.GreaterThan(10));
        Assert.That(wrong, Is.Empty, $"{kind}: the Flux expressions disagree with the Argo CD script");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task A_wrong_expression_is_caught(string kind)
    {
        // The comparison must be able to fail: calling everything Current disagrees with some sample.
        var samples = await SamplesAsync(kind);
        var wrong = new Dictionary<string, string> { ["current"] = "true" };

        Assert.That(samples.Count(s => !FluxFor[s.Expected].Contains(Evaluate(wrong, s.Object))), Is.GreaterThan(0));
    }

    /// <summary>Flux's status for <paramref name="obj"/>: InProgress, Failed, Current, or Unknown when an expression errs.</summary>
    private static string Evaluate(IReadOnlyDictionary<string, string> expressions, Dictionary<string, object?> obj)
    {
        if (Field(obj, "status", "observedGeneration") is long observed && Field(obj, "metadata", "generation") is long generation && observed != generation)
        {
            return "InProgress";
        }

        var environment = new CelEnvironment(null, null);
        foreach (var (field, status) in new[] { ("inProgress", "InProgress"), ("failed", "Failed"), ("current", "Current") })
        {
            if (!expressions.TryGetValue(field, out var expression))
            {
                continue;
            }

            try
            {
                if (environment.Program(expression, obj!) is true)
                {
                    return status;
                }
            }
            catch (CelException)
            {
                return "Unknown";
            }
        }

        return "InProgress";
    }

    private static object? Field(Dictionary<string, object?> obj, string outer, string inner) =>
        obj.GetValueOrDefault(outer) is Dictionary<string, object?> map ? map.GetValueOrDefault(inner) : null;

    private static Dictionary<string, string> ExpressionsFor(string kind)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Kustomization)));
        var entries = ((YamlSequenceNode)stream.Documents[0].RootNode.Map("spec")["healthCheckExprs"]).Cast<YamlMappingNode>();
        var entry = entries.Single(e => e.Scalar("kind") == kind);
        Assert.That(entry.Scalar("apiVersion"), Is.EqualTo("sandbox.northflank.com/v1alpha1"));
        return entry.Children.Where(c => c.Key.ToString() is "inProgress" or "failed" or "current")
            .ToDictionary(c => c.Key.ToString(), c => c.Value.ToString(), StringComparer.Ordinal);
    }

    private sealed record Sample(string Name, Dictionary<string, object?> Object, string Expected);

    /// <summary>The Argo CD samples of <paramref name="kind"/>, as JSON from examples/gitops/test/cases_json.lua.</summary>
    private static async Task<List<Sample>> SamplesAsync(string kind)
    {
        var result = await ToolRunner.RunAsync(GitOpsExamplesTests.Lua(), [Path.Combine(GitOpsExamplesTests.GitOps, "test", "cases_json.lua"), kind]);
        Assert.That(result.Succeeded, Is.True, result.Describe());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return [.. json.RootElement.EnumerateArray().Select(c => new Sample(
            c.GetProperty("name").GetString()!, (Dictionary<string, object?>)Plain(c.GetProperty("object"))!, c.GetProperty("expected").GetString()!))];
    }

    /// <summary>JSON as the plain maps, lists, longs, strings and bools the CEL interpreter selects fields of.</summary>
    private static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(Plain).ToList(),
        JsonValueKind.Number => element.GetInt64(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
