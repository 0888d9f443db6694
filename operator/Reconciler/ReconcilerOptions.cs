namespace SandboxOperator.Reconciler;

public sealed class ReconcilerOptions
{
    /// <summary>Project for Sandboxes that name none.</summary>
    public string? DefaultProjectId { get; set; }

    /// <summary>Namespace of the operator's default credentials Secret (usually the operator's own).</summary>
    public string? DefaultCredentialsNamespace { get; set; }

    public string DefaultCredentialsSecretName { get; set; } = "northflank-credentials";

    public string DefaultCredentialsSecretKey { get; set; } = "token";

    /// <summary>Identifies this cluster in the ownership tags, so two clusters sharing a project never take each other's services.</summary>
    public string ClusterId { get; set; } = "default";

    /// <summary>How soon to look again while a deployment, pause or resume is under way.</summary>
    public TimeSpan ProgressPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a settled Sandbox is compared in full with its Northflank service (drift check).</summary>
    public TimeSpan DriftCheckInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How soon a Sandbox whose spec or references are wrong is tried again without any change.</summary>
    public TimeSpan InvalidInputRetryInterval { get; set; } = TimeSpan.FromMinutes(5);
}
