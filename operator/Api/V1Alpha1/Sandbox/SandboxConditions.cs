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

    /// <summary>Waiting for the request budget of the Sandbox's Northflank token; the message says when it is served.</summary>
    public const string Throttled = SyncedReasons.Throttled;
}

public static class SyncedReasons
{
    public const string Synced = "ReconcileSuccess";
    public const string InvalidSpec = "InvalidSpec";
    public const string CredentialsNotFound = "CredentialsNotFound";

    /// <summary>The credentials Secret's value cannot be a token (a line break inside, a non-ASCII character...).</summary>
    public const string CredentialsInvalid = "CredentialsInvalid";

    public const string ReferenceNotFound = "ReferenceNotFound";
    public const string NameConflict = "NameConflict";
    public const string ConfigNotFound = "ConfigNotFound";
    public const string ConfigNotAllowed = "ConfigNotAllowed";
    public const string ProjectNotAllowed = "ProjectNotAllowed";
    public const string PlanNotAllowed = "PlanNotAllowed";

    /// <summary>spec.imageCredentials names saved registry credentials the config does not let its Sandboxes use.</summary>
    public const string ImageCredentialsNotAllowed = "ImageCredentialsNotAllowed";

    /// <summary>Northflank could not verify (pull) the image: a private image without the right credentials, or none such.</summary>
    public const string ImageNotVerified = "ImageNotVerified";
    public const string QuotaExceeded = "QuotaExceeded";
    public const string AdoptionRefused = "AdoptionRefused";
    public const string NorthflankRejected = "NorthflankRejected";
    public const string Unauthorized = "Unauthorized";
    public const string NorthflankUnavailable = "NorthflankUnavailable";
    public const string Throttled = "Throttled";
    public const string DeleteFailed = "DeleteFailed";
}

/// <summary>Reasons of a NorthflankConfig's or ClusterNorthflankConfig's Ready condition.</summary>
public static class ConfigReasons
{
    public const string Available = "Available";
    public const string ProjectsNotVisible = "ProjectsNotVisible";
    public const string CredentialsNotFound = SyncedReasons.CredentialsNotFound;
    public const string CredentialsInvalid = SyncedReasons.CredentialsInvalid;
    public const string Unauthorized = SyncedReasons.Unauthorized;
    public const string NorthflankUnavailable = SyncedReasons.NorthflankUnavailable;
}
