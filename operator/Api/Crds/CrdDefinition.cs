using k8s.Models;

namespace SandboxOperator.Api.Crds;

/// <summary>What a kind's CustomResourceDefinition says beyond its schema: scope, names and printer columns.</summary>
public sealed record CrdDefinition(
    Type EntityType,
    bool ClusterScoped,
    string Singular,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<V1CustomResourceColumnDefinition> PrinterColumns)
{
    /// <summary>The /scale subresource, for kinds kubectl scale and autoscalers may size.</summary>
    public V1CustomResourceSubresourceScale? Scale { get; init; }
}

/// <summary>Printer columns the kinds share.</summary>
internal static class Columns
{
    public static V1CustomResourceColumnDefinition Condition(string type, string name = "") =>
        new() { Name = name.Length > 0 ? name : type, Type = "string", JsonPath = $".status.conditions[?(@.type==\"{type}\")].status" };

    public static V1CustomResourceColumnDefinition Reason(string type) =>
        new() { Name = "Reason", Type = "string", JsonPath = $".status.conditions[?(@.type==\"{type}\")].reason" };

    public static V1CustomResourceColumnDefinition Age() => new() { Name = "Age", Type = "date", JsonPath = ".metadata.creationTimestamp" };
}
