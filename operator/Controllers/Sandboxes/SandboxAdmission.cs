using System.Collections.Concurrent;
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
    private readonly Lock gate = new();

    /// <summary>Sandboxes admitted without a service yet (a create on its way), by uid, with the config they count against.</summary>
    private readonly ConcurrentDictionary<string, ConfigKey> reserved = new(StringComparer.Ordinal);

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

        // A saved credential is the team's: a tenant may name only those its config lists, never borrow another team's.
        if (sandbox.Spec.ImageCredentials is { } credentials && !access.AllowsImageCredentials(credentials))
        {
            var allowed = access.ImageCredentials.Count == 0 ? "it allows none" : $"it allows {string.Join(", ", access.ImageCredentials)}";
            throw new InvalidInputException(SyncedReasons.ImageCredentialsNotAllowed, $"spec.imageCredentials {credentials} is not one {access.Config} allows ({allowed})");
        }

        if (Adoption.ServiceId(sandbox) is not null && !access.AdoptionAllowed)
        {
            throw new InvalidInputException(SyncedReasons.AdoptionRefused, $"{access.Config} does not allow adopting services (annotation {SandboxAnnotations.ExternalName})");
        }

        if (access.MaxSandboxes is { } max && sandbox.Status?.ServiceId is null)
        {
            Reserve(sandbox, access.Config, max);
        }

        return projectId;
    }

    /// <summary>Gives up the Sandbox's place in its config's maxSandboxes (refused before creating, or gone).</summary>
    public void Release(Sandbox sandbox) => reserved.TryRemove(sandbox.Metadata.Uid ?? "", out _);

    /// <summary>
    /// maxSandboxes counts what it says: Sandboxes of the config that have a service (status says so) or a create on
    /// its way (admitted here and not refused since). A Sandbox refused for a missing Secret holds no place.
    /// </summary>
    private void Reserve(Sandbox sandbox, ConfigKey key, int max)
    {
        lock (gate)
        {
            var uid = sandbox.Metadata.Uid ?? "";
            var used = sandboxes.All().Count(other => other.Metadata.Uid != uid && other.Metadata.DeletionTimestamp is null && access.KeyOf(other) == key
                && (other.Status?.ServiceId is not null || (reserved.TryGetValue(other.Metadata.Uid ?? "", out var held) && held == key)));
            if (used >= max)
            {
                reserved.TryRemove(uid, out _);
                throw new InvalidInputException(SyncedReasons.QuotaExceeded, $"{key} allows {max} Sandboxes and {used} have a service or are being created; this one waits until one is deleted");
            }

            reserved[uid] = key;
        }
    }
}
