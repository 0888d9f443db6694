using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>The decision of one reconcile: the actions to take, or why none can be taken (a Synced reason and message).</summary>
public sealed record ReconcilePlan(IReadOnlyList<NorthflankAction> Actions, (string Reason, string Message)? Refusal = null);

/// <summary>
/// Decides, from the spec and what Northflank holds, what to change: a pure function with no I/O, so every
/// decision can be tested without HTTP. The service is always applied whole with one create-or-update call, which
/// keeps the number of calls per change at one however many fields changed. Only a service that carries this Sandbox's
/// ownership marker (or one it adopted by annotation) is ever changed.
/// </summary>
public static class SandboxPlanner
{
    public static ReconcilePlan Plan(Sandbox sandbox, DesiredState desired, Observation observed, string clusterId)
    {
        if (desired.Expired && sandbox.Spec.Lifecycle?.ShutdownPolicy == ShutdownPolicies.Delete)
        {
            return new ReconcilePlan([new DeleteExpiredSandbox()]);
        }

        var actions = new List<NorthflankAction>();
        var service = observed.Service;
        if (service is null)
        {
            actions.Add(new ApplyService(Create: true, "service does not exist"));
        }
        else
        {
            if (RefuseService(sandbox, desired, service.Description, clusterId) is { } refusal)
            {
                return new ReconcilePlan([], refusal);
            }

            var why = WhyUpdate(sandbox, desired, service);
            if (why is not null)
            {
                actions.Add(new ApplyService(Create: false, why));
            }
        }

        if (desired.Volume is not null && observed.Volume is null)
        {
            actions.Add(new CreateVolume());
        }
        else if (desired.Volume is not null && service is not null && !OwnsVolume(sandbox, observed.Volume!, service.Id))
        {
            return new ReconcilePlan([], (SyncedReasons.NameConflict, $"a volume named {observed.Volume!.Id} already exists in project {desired.ProjectId} and is not attached to this Sandbox's service"));
        }

        var paused = service?.ServicePaused == true;
        if (desired.Paused && !paused)
        {
            actions.Add(new PauseService());
        }
        else if (!desired.Paused && paused)
        {
            actions.Add(new ResumeService());
        }

        return new ReconcilePlan(actions);
    }

    /// <summary>Null when the service matches the spec; else what differs (spec change or drift on Northflank).</summary>
    public static string? WhyUpdate(Sandbox sandbox, DesiredState desired, ServiceDetails service)
    {
        if (sandbox.Status?.AppliedSpecHash != desired.SpecHash)
        {
            return "spec changed";
        }

        var want = desired.Service;
        var drift = new List<string>();
        if (service.Deployment?.External?.ImagePath is { } image && !ImagePaths.Same(image, want.Deployment.External.ImagePath))
        {
            drift.Add("image");
        }

        if (service.Billing?.DeploymentPlan is { } plan && plan != want.Billing.DeploymentPlan)
        {
            drift.Add("plan");
        }

        if (service.ServicePaused == false && service.Deployment is { } deployment && deployment.Instances != want.Deployment.Instances)
        {
            drift.Add("instances");
        }

        if (service.Ports is { } ports && !SamePorts(ports, want.Ports ?? []))
        {
            drift.Add("ports");
        }

        return drift.Count == 0 ? null : $"drift on Northflank ({string.Join(", ", drift)})";
    }

    /// <summary>
    /// Why the service found under the Sandbox's name may not be changed, or null when it may: it must carry this
    /// Sandbox's marker, or (when adopted) no marker at all.
    /// </summary>
    public static (string Reason, string Message)? RefuseService(Sandbox sandbox, DesiredState desired, string? description, string clusterId)
    {
        if (Adoption.ServiceId(sandbox) is null)
        {
            return OwnershipMarker.IsOwnedBy(description, sandbox, clusterId) ? null : (SyncedReasons.NameConflict, ServiceConflict(desired));
        }

        return Adoption.MayTake(description, sandbox, clusterId)
            ? null
            : (SyncedReasons.AdoptionRefused, $"service {desired.ServiceName} in project {desired.ProjectId} carries another Sandbox's or another cluster's ownership marker; it is never adopted");
    }

    public static string ServiceConflict(DesiredState desired) =>
        $"a service named {desired.ServiceName} already exists in project {desired.ProjectId} and was not created by this Sandbox; " +
        $"rename the Sandbox, or set annotation {SandboxAnnotations.ExternalName}={desired.ServiceName} to take it over";

    /// <summary>A volume is this Sandbox's when it is attached to its service, or status recorded it as created.</summary>
    private static bool OwnsVolume(Sandbox sandbox, VolumeDetails volume, string serviceId) =>
        OwnershipMarker.IsAttachedTo(volume, serviceId) || sandbox.Status?.VolumeId == volume.Id;

    private static bool SamePorts(IReadOnlyList<ServicePort> actual, IReadOnlyList<PortRequest> wanted) =>
        actual.Count == wanted.Count && wanted.All(w => actual.Any(a =>
            a.Name == w.Name && a.InternalPort == w.InternalPort && a.Protocol == w.Protocol && a.Public == (w.Public ?? false)));
}
