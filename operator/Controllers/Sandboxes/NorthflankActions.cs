namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>One change the reconciler makes on Northflank (or, for expiry, to the Sandbox itself).</summary>
public abstract record NorthflankAction
{
    /// <summary>A short reason for the Event that reports the action.</summary>
    public abstract string EventReason { get; }
}

/// <summary>Create-or-update by name (PUT): the whole service spec in one idempotent call.</summary>
public sealed record ApplyService(bool Create, string Why) : NorthflankAction
{
    public override string EventReason => Create ? "Created" : "Updated";
}

public sealed record CreateVolume : NorthflankAction
{
    public override string EventReason => "VolumeCreated";
}

public sealed record PauseService : NorthflankAction
{
    public override string EventReason => "Paused";
}

public sealed record ResumeService : NorthflankAction
{
    public override string EventReason => "Resumed";
}

/// <summary>The Sandbox reached its shutdown time under shutdownPolicy Delete: delete the Sandbox object.</summary>
public sealed record DeleteExpiredSandbox : NorthflankAction
{
    public override string EventReason => "Expired";
}
