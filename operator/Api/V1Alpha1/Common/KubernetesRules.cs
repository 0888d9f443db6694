namespace SandboxOperator.Api.V1Alpha1;

/// <summary>
/// Kubernetes' own rules for label keys and values (k8s.io/apimachinery validation: IsQualifiedName, IsValidLabelValue),
/// for the labels a tenant asks the operator to put on a Sandbox: what the API server would refuse when the operator
/// writes them is refused when the tenant writes them (values by the schema, keys by the operator; see
/// <see cref="ValuePatternAttribute"/>).
/// </summary>
public static class KubernetesRules
{
    /// <summary>A label value: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.</summary>
    public const string LabelValuePattern = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

    /// <summary>A label key's name part (after the optional prefix and '/'), and a label value when not empty.</summary>
    public const string LabelNamePattern = "^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$";

    /// <summary>A label key's prefix: a DNS subdomain (lowercase RFC 1123 labels joined by dots).</summary>
    public const string DnsSubdomainPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    public const int LabelValueMaxLength = 63;

    public const int LabelNameMaxLength = 63;

    public const int DnsSubdomainMaxLength = 253;
}
