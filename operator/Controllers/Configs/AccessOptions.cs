using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Configs;

/// <summary>The operator's flags that make the implicit config, and which config Sandboxes use when they name none.</summary>
public sealed class AccessOptions
{
    /// <summary>A ClusterNorthflankConfig for Sandboxes that name no config; null: the implicit config from the flags below.</summary>
    public string? DefaultConfigName { get; set; }

    /// <summary>Project for Sandboxes that name none (implicit config).</summary>
    public string? DefaultProjectId { get; set; }

    /// <summary>Further projects Sandboxes may name (implicit config); the default project is always allowed.</summary>
    public IReadOnlyList<string> AllowedProjects { get; set; } = [];

    public string DefaultCredentialsNamespace { get; set; } = "default";

    public string DefaultCredentialsSecretName { get; set; } = "northflank-credentials";

    public string DefaultCredentialsSecretKey { get; set; } = "token";

    /// <summary>Whether the implicit config allows adoption by annotation (off unless asked for).</summary>
    public bool AllowAdoption { get; set; }

    public string OrphanPolicy { get; set; } = OrphanPolicies.Report;
}
