namespace SandboxOperator.Api.V1Alpha1;

/// <summary>Condition types and their reasons: the vocabulary users see in kubectl and match on in automation.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Synced = "Synced";
}

public static class ReadyReasons
{
    public const string Unknown = "ReconcilePending";
    public const string Creating = "Creating";
    public const string Deploying = "Deploying";
    public const string Available = "Available";
    public const string Pausing = "Pausing";
    public const string Paused = "Paused";
    public const string Resuming = "Resuming";
    public const string DeploymentFailed = "DeploymentFailed";
    public const string Expired = "Expired";
    public const string Deleting = "Deleting";
    public const string NotSynced = "NotSynced";
}

public static class SyncedReasons
{
    public const string Synced = "ReconcileSuccess";
    public const string InvalidSpec = "InvalidSpec";
    public const string CredentialsNotFound = "CredentialsNotFound";
    public const string ReferenceNotFound = "ReferenceNotFound";
    public const string NameConflict = "NameConflict";
    public const string NorthflankRejected = "NorthflankRejected";
    public const string Unauthorized = "Unauthorized";
    public const string NorthflankUnavailable = "NorthflankUnavailable";
    public const string Throttled = "Throttled";
    public const string DeleteFailed = "DeleteFailed";
}
