using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>What a Sandbox is told when a name it needs on Northflank is taken by something it may not touch.</summary>
public static class NameConflicts
{
    /// <summary>The service under the Sandbox's name is not its own (<see cref="Ownership.Foreign"/>).</summary>
    public static (string Reason, string Message) Service(Sandbox sandbox, SandboxTarget target) =>
        Adoption.ServiceId(sandbox) is null
            ? (SyncedReasons.NameConflict,
                $"a service named {target.ServiceName} already exists in project {target.ProjectId} and was not created by this Sandbox; " +
                $"rename the Sandbox, or set annotation {SandboxAnnotations.ExternalName}={target.ServiceName} to take it over")
            : (SyncedReasons.AdoptionRefused,
                $"service {target.ServiceName} in project {target.ProjectId} carries another Sandbox's or another cluster's ownership marker; it is never adopted");

    public static (string Reason, string Message) Volume(SandboxTarget target) =>
        (SyncedReasons.NameConflict, $"a volume named {target.VolumeName} already exists in project {target.ProjectId} and is not attached to this Sandbox's service");
}
