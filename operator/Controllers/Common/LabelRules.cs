using System.Text.Json;
using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Common;

/// <summary>
/// Checks labels a tenant asks for by Kubernetes' rules (<see cref="KubernetesRules"/>) before the operator writes them
/// onto a Sandbox, so that a label the API server would refuse is a clear condition on the object that asked for it,
/// not a write refused again and again. The schema checks the values too; the keys only this can check on an API
/// server without CEL. Each problem names the field and the key, in Kubernetes' words.
/// </summary>
public static partial class LabelRules
{
    public static IReadOnlyList<string> Problems(string field, IDictionary<string, string>? labels)
    {
        var problems = new List<string>();
        foreach (var (key, value) in (labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            var at = $"{field}[{JsonSerializer.Serialize(key)}]";
            if (KeyProblem(key) is { } keyProblem)
            {
                problems.Add($"{at}: the key {keyProblem}");
            }

            if (ValueProblem(value) is { } valueProblem)
            {
                problems.Add($"{at}: the value {valueProblem}");
            }
        }

        return problems;
    }

    /// <summary>Why the label key is not one Kubernetes accepts (an optional DNS-subdomain prefix and '/', then a name), or null.</summary>
    public static string? KeyProblem(string key)
    {
        var parts = key.Split('/');
        if (parts.Length > 2)
        {
            return "may hold one '/' only, between a prefix and a name";
        }

        if (parts.Length == 2)
        {
            var prefix = parts[0];
            if (prefix.Length == 0)
            {
                return "has an empty prefix before '/'";
            }

            if (prefix.Length > KubernetesRules.DnsSubdomainMaxLength || !Whole(DnsSubdomain(), prefix))
            {
                return $"prefix must be a DNS subdomain of at most {KubernetesRules.DnsSubdomainMaxLength} characters: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";
            }
        }

        var name = parts[^1];
        if (name.Length == 0)
        {
            return "has no name";
        }

        return name.Length > KubernetesRules.LabelNameMaxLength || !Whole(LabelName(), name)
            ? $"name must be at most {KubernetesRules.LabelNameMaxLength} characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
            : null;
    }

    /// <summary>Why the label value is not one Kubernetes accepts, or null.</summary>
    public static string? ValueProblem(string? value) =>
        value is null || (value.Length <= KubernetesRules.LabelValueMaxLength && Whole(LabelValue(), value))
            ? null
            : $"must be empty or at most {KubernetesRules.LabelValueMaxLength} characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

    /// <summary>The whole text matches: .NET's <c>$</c>, unlike Go's (the API server's), also matches before a final newline.</summary>
    private static bool Whole(Regex pattern, string text) => pattern.Match(text) is { Success: true } match && match.Length == text.Length;

    [GeneratedRegex(KubernetesRules.DnsSubdomainPattern, RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(KubernetesRules.LabelNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex LabelName();

    [GeneratedRegex(KubernetesRules.LabelValuePattern, RegexOptions.CultureInvariant)]
    private static partial Regex LabelValue();
}
