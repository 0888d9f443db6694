namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>One change the planner asks of Northflank (or, for expiry, of the cluster) for a Sandbox.</summary>
public abstract record SandboxChange
{
    /// <summary>A short reason for the Event that reports the change.</summary>
    public abstract string EventReason { get; }
}

/// <summary>Create the service, or update it whole with one call (whatever changed).</summary>
public sealed record ApplyService(bool Create, string Why) : SandboxChange
{
    public override string EventReason => Create ? "Created" : "Updated";
}

public sealed record CreateVolume : SandboxChange
{
    public override string EventReason => "VolumeCreated";
}

public sealed record PauseService : SandboxChange
{
    public override string EventReason => "Paused";
}

public sealed record ResumeService : SandboxChange
{
    public override string EventReason => "Resumed";
}

/// <summary>Delete the service (with its attached volume) and read it again to confirm.</summary>
public sealed record DeleteService : SandboxChange
{
    public override string EventReason => "Deleted";
}

/// <summary>
/// Deleted with deletionPolicy Orphan: replace the service's ownership marker with a released note, so that no orphan
/// collection (this operator's or another's) ever takes for an orphan what was kept on purpose.
/// </summary>
public sealed record ReleaseService : SandboxChange
{
    public override string EventReason => "Orphaned";
}

/// <summary>The Sandbox reached its shutdown time under shutdownPolicy Delete: delete the Sandbox object itself.</summary>
public sealed record DeleteSandbox : SandboxChange
{
    public override string EventReason => "Expired";
}
