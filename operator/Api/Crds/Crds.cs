using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Api.Crds;

/// <summary>Every kind the operator serves; `make crds` writes a file for each, and a test fails when one drifts.</summary>
public static class Crds
{
    public static readonly CrdDefinition Sandbox = new(
        typeof(Sandbox), ClusterScoped: false, V1Alpha1.Sandbox.Singular, [V1Alpha1.Sandbox.ShortName],
        [
            Columns.Condition(ConditionTypes.Ready),
            Columns.Reason(ConditionTypes.Ready),
            new() { Name = "Mode", Type = "string", JsonPath = ".status.operatingMode" },
            new() { Name = "URL", Type = "string", JsonPath = ".status.url" },
            Columns.Age(),
            new() { Name = "Service", Type = "string", JsonPath = ".status.serviceId", Priority = 1 },
            new() { Name = "Synced", Type = "string", JsonPath = ".status.conditions[?(@.type==\"Synced\")].status", Priority = 1 },
        ]);

    public static readonly CrdDefinition NorthflankConfig = new(
        typeof(NorthflankConfig), ClusterScoped: false, "northflankconfig", ["nfconfig"], ConfigColumns());

    public static readonly CrdDefinition ClusterNorthflankConfig = new(
        typeof(ClusterNorthflankConfig), ClusterScoped: true, "clusternorthflankconfig", ["nfclusterconfig"], ConfigColumns());

    public static IReadOnlyList<CrdDefinition> All { get; } = [Sandbox, NorthflankConfig, ClusterNorthflankConfig];

    private static List<k8s.Models.V1CustomResourceColumnDefinition> ConfigColumns() =>
    [
        Columns.Condition(ConditionTypes.Ready),
        Columns.Reason(ConditionTypes.Ready),
        new() { Name = "Projects", Type = "string", JsonPath = ".status.projects" },
        new() { Name = "Sandboxes", Type = "integer", JsonPath = ".status.sandboxes" },
        Columns.Age(),
    ];
}
