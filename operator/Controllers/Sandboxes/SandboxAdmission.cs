using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Checks what a Sandbox asks for against its config, before any call to Northflank: its project, plan, adoption and
/// how many Sandboxes already use the config. A refusal is an <see cref="InvalidInputException"/> whose reason names the
/// rule; a status edited or restored to point at another project is not trusted either.
/// </summary>
public sealed class SandboxAdmission(AccessResolver access, ISandboxDirectory sandboxes)
{
    /// <summary>The project the Sandbox lives in, once its project, plan, adoption and count are within its config.</summary>
    public string Admit(Sandbox sandbox, NorthflankAccess access)
    {
        var projectId = sandbox.Status?.ProjectId ?? sandbox.Spec.ProjectId ?? access.DefaultProject;
        if (sandbox.Status?.ProjectId is { } created && sandbox.Spec.ProjectId is { } wanted && created != wanted)
        {
            throw new InvalidInputException(SyncedReasons.InvalidSpec, $"spec.projectId cannot change from {created} to {wanted} once the service exists; create a new Sandbox instead");
        }

        if (!access.AllowsProject(projectId))
        {
            throw new InvalidInputException(SyncedReasons.ProjectNotAllowed, $"project {projectId} is not one {access.Config} allows ({string.Join(", ", access.Projects)})");
        }

        var plan = sandbox.Spec.Plan ?? SandboxSpec.DefaultPlan;
        if (!access.AllowsPlan(plan))
        {
            throw new InvalidInputException(SyncedReasons.PlanNotAllowed, $"spec.plan {plan} is not one {access.Config} allows ({string.Join(", ", access.Plans!)})");
        }

        if (Adoption.ServiceId(sandbox) is not null && !access.AdoptionAllowed)
        {
            throw new InvalidInputException(SyncedReasons.AdoptionRefused, $"{access.Config} does not allow adopting services (annotation {SandboxAnnotations.ExternalName})");
        }

        if (access.MaxSandboxes is { } max && sandbox.Status?.ServiceId is null && CountBefore(sandbox, access.Config) >= max)
        {
            throw new InvalidInputException(SyncedReasons.QuotaExceeded, $"{access.Config} allows {max} Sandboxes and as many older ones use it; this one waits until one is deleted");
        }

        return projectId;
    }

    private int CountBefore(Sandbox sandbox, ConfigKey key) =>
        sandboxes.All().Count(other => other.Metadata.Uid != sandbox.Metadata.Uid && other.Metadata.DeletionTimestamp is null
            && Older(other, sandbox) && access.KeyOf(other) == key);

    private static bool Older(Sandbox a, Sandbox b)
    {
        var byTime = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return byTime != 0 ? byTime < 0
            : string.CompareOrdinal($"{a.Metadata.NamespaceProperty}/{a.Metadata.Name}", $"{b.Metadata.NamespaceProperty}/{b.Metadata.Name}") < 0;
    }
}
