using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Configs;

/// <summary>A config by kind, namespace (NorthflankConfig only) and name: what Sandboxes share when they use one.</summary>
public sealed record ConfigKey(string Kind, string? Namespace, string Name)
{
    /// <summary>The operator's flags, standing in for a config when none is named and no default config is set.</summary>
    public static readonly ConfigKey Implicit = new("Flags", null, "operator");

    /// <summary>The config a Sandbox's status recorded (a NorthflankConfig is in the Sandbox's own namespace).</summary>
    public static ConfigKey? FromStatus(AppliedConfig? recorded, string sandboxNamespace) => recorded switch
    {
        null => null,
        { Kind: NorthflankConfig.EntityKind } => new ConfigKey(NorthflankConfig.EntityKind, sandboxNamespace, recorded.Name),
        { Kind: ClusterNorthflankConfig.EntityKind } => new ConfigKey(ClusterNorthflankConfig.EntityKind, null, recorded.Name),
        _ => Implicit,
    };

    /// <summary>How status records this config.</summary>
    public AppliedConfig ToStatus() => new() { Kind = Kind, Name = Name };

    public override string ToString() =>
        this == Implicit ? "the operator's default config (its --default-project flags)"
        : Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}

/// <summary>A key of a Secret in a namespace.</summary>
public sealed record SecretReference(string Namespace, string Name, string Key)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>
/// The Northflank token and the policy a Sandbox works under, from its config (a NorthflankConfig, a
/// ClusterNorthflankConfig, or the operator's flags). Everything a tenant's Sandbox may reach on Northflank is bounded
/// by it: which projects, which plans, how many Sandboxes, and whether an existing service may be adopted.
/// </summary>
public sealed record NorthflankAccess
{
    public required ConfigKey Config { get; init; }

    public required SecretReference Credentials { get; init; }

    public required IReadOnlyList<string> Projects { get; init; }

    public required string DefaultProject { get; init; }

    public bool AdoptionAllowed { get; init; }

    public string OrphanPolicy { get; init; } = OrphanPolicies.Report;

    /// <summary>Plans Sandboxes may use; null: any.</summary>
    public IReadOnlyList<string>? Plans { get; init; }

    public int? MaxSandboxes { get; init; }

    /// <summary>Saved registry credentials Sandboxes may name (spec.imageCredentials); empty: none.</summary>
    public IReadOnlyList<string> ImageCredentials { get; init; } = [];

    /// <summary>The namespaces a ClusterNorthflankConfig lists; null: every namespace (it lists none, or the operator's flags).</summary>
    public IReadOnlyList<string>? Namespaces { get; init; }

    /// <summary>
    /// Whether a Sandbox in that namespace may work through this config: a NorthflankConfig only in its own (taken from
    /// its key, so no list can widen it), a ClusterNorthflankConfig in those it lists (all when it lists none), the
    /// operator's flags in all. The orphan collector asks it, so a config judges only orphans that could be its own.
    /// </summary>
    public bool Serves(string ns) => Config.Kind == NorthflankConfig.EntityKind
        ? string.Equals(Config.Namespace, ns, StringComparison.Ordinal)
        : Namespaces is null || Namespaces.Contains(ns, StringComparer.Ordinal);

    public bool AllowsProject(string projectId) => Projects.Contains(projectId, StringComparer.Ordinal);

    public bool AllowsPlan(string plan) => Plans is null || Plans.Contains(plan, StringComparer.Ordinal);

    public bool AllowsImageCredentials(string credentials) => ImageCredentials.Contains(credentials, StringComparer.Ordinal);
}
