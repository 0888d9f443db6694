namespace SandboxOperator.Api.V1Alpha1;

/// <summary>
/// Marks a list as a map keyed by one field (x-kubernetes-list-type: map), so server-side apply and GitOps tools
/// merge its items by key instead of replacing the list.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}
