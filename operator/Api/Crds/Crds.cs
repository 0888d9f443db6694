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

    public static readonly CrdDefinition SandboxTemplate = new(
        typeof(SandboxTemplate), ClusterScoped: false, V1Alpha1.SandboxTemplate.Singular, [V1Alpha1.SandboxTemplate.ShortName],
        [
            new() { Name = "Image", Type = "string", JsonPath = ".spec.image" },
            new() { Name = "Plan", Type = "string", JsonPath = ".spec.plan" },
            new() { Name = "Hash", Type = "string", JsonPath = ".status.hash" },
            new() { Name = "Sandboxes", Type = "integer", JsonPath = ".status.sandboxes" },
            new() { Name = "Pools", Type = "string", JsonPath = ".status.pools" },
            Columns.Age(),
            new() { Name = "Claims", Type = "integer", JsonPath = ".status.claims", Priority = 1 },
        ]);

    public static readonly CrdDefinition SandboxWarmPool = new(
        typeof(SandboxWarmPool), ClusterScoped: false, V1Alpha1.SandboxWarmPool.Singular, [V1Alpha1.SandboxWarmPool.ShortName],
        [
            new() { Name = "Template", Type = "string", JsonPath = ".spec.templateRef.name" },
            new() { Name = "Tier", Type = "string", JsonPath = ".spec.tier" },
            new() { Name = "Desired", Type = "integer", JsonPath = ".spec.replicas" },
            new() { Name = "Current", Type = "integer", JsonPath = ".status.replicas" },
            new() { Name = "Ready", Type = "integer", JsonPath = ".status.readyReplicas" },
            Columns.Age(),
        ])
    {
        Scale = new() { SpecReplicasPath = ".spec.replicas", StatusReplicasPath = ".status.replicas", LabelSelectorPath = ".status.selector" },
    };

    public static readonly CrdDefinition SandboxClaim = new(
        typeof(SandboxClaim), ClusterScoped: false, V1Alpha1.SandboxClaim.Singular, [V1Alpha1.SandboxClaim.ShortName],
        [
            Columns.Condition(ConditionTypes.Ready),
            Columns.Reason(ConditionTypes.Ready),
            new() { Name = "Sandbox", Type = "string", JsonPath = ".status.sandboxName" },
            new() { Name = "Launch", Type = "string", JsonPath = ".status.launchType" },
            new() { Name = "URL", Type = "string", JsonPath = ".status.url" },
            Columns.Age(),
        ]);

    public static IReadOnlyList<CrdDefinition> All { get; } = [Sandbox, NorthflankConfig, ClusterNorthflankConfig, SandboxTemplate, SandboxWarmPool, SandboxClaim];

    private static List<k8s.Models.V1CustomResourceColumnDefinition> ConfigColumns() =>
    [
        Columns.Condition(ConditionTypes.Ready),
        Columns.Reason(ConditionTypes.Ready),
        new() { Name = "Projects", Type = "string", JsonPath = ".status.projects" },
        new() { Name = "Sandboxes", Type = "integer", JsonPath = ".status.sandboxes" },
        Columns.Age(),
    ];
}
