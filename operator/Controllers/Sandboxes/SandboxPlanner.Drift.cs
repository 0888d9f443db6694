using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>When an update is due: the spec changed since it was applied, or Northflank drifted from it.</summary>
public static partial class SandboxPlanner
{
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

    private static bool SamePorts(IReadOnlyList<ServicePort> actual, IReadOnlyList<PortRequest> wanted) =>
        actual.Count == wanted.Count && wanted.All(w => actual.Any(a =>
            a.Name == w.Name && a.InternalPort == w.InternalPort && a.Protocol == w.Protocol && a.Public == (w.Public ?? false)));
}
