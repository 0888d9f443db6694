using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Ready is True only when Northflank matches this generation's spec: running with its deployment COMPLETED, or
/// paused as asked. Pure, so each reason can be tested from an observation alone.
/// </summary>
public static class Readiness
{
    /// <param name="actions">What this reconcile changed: a change means Northflank is not there yet.</param>
    /// <param name="containers">For a FAILED deployment: what its containers say (their states, never their logs).</param>
    public static ConditionVerdict Evaluate(DesiredState desired, ServiceDetails? service, IReadOnlyList<SandboxChange> actions, string? containers = null)
    {
        if (service is null || actions.OfType<ApplyService>().Any(a => a.Create))
        {
            return ConditionVerdict.False(ReadyReasons.Creating, "creating the Northflank service");
        }

        if (actions.OfType<PauseService>().Any())
        {
            return ConditionVerdict.False(ReadyReasons.Pausing, "pausing the service");
        }

        if (actions.OfType<ResumeService>().Any())
        {
            return ConditionVerdict.False(ReadyReasons.Resuming, "resuming the service");
        }

        var deployment = service.Status?.Deployment;
        var state = deployment?.Status ?? DeploymentStates.Pending;
        if (state == DeploymentStates.Failed)
        {
            var why = deployment?.Reason is { } r ? $" ({r})" : "";
            var detail = containers is null ? "" : $"; containers: {containers}";
            return ConditionVerdict.False(ReadyReasons.DeploymentFailed, $"Northflank deployment failed{why}{detail}; fix the spec (image, command, plan) to retry");
        }

        var settled = state == DeploymentStates.Completed && !actions.OfType<ApplyService>().Any();
        if (desired.Paused)
        {
            if (service.ServicePaused != true || !settled)
            {
                return ConditionVerdict.False(ReadyReasons.Pausing, "waiting for the service to scale to zero");
            }

            return desired.Expired
                ? ConditionVerdict.False(ReadyReasons.Expired, $"expired at {desired.ExpiresAt:O}; paused as spec.lifecycle.shutdownPolicy asks")
                : ConditionVerdict.True(ReadyReasons.Paused, "paused as asked");
        }

        if (service.ServicePaused == true)
        {
            return ConditionVerdict.False(ReadyReasons.Resuming, "waiting for the service to resume");
        }

        if (settled)
        {
            return ConditionVerdict.True(ReadyReasons.Available, "running; deployment COMPLETED");
        }

        // The operator scales a service only to pause and resume it: a running service's SCALING deployment is its
        // resume (a paused pool's Sandbox its claim started), not a new deployment of the spec.
        return deployment?.Reason == DeploymentReasons.Scaling && !actions.OfType<ApplyService>().Any()
            ? ConditionVerdict.False(ReadyReasons.Resuming, $"resuming: deployment {state}")
            : ConditionVerdict.False(ReadyReasons.Deploying, $"deployment {state}");
    }

    /// <summary>
    /// What a failed deployment's containers say, for the Ready message: how many are in each state, e.g.
    /// "1 TASK_FAILED". Bounded, and made of Northflank's state names only (a container's logs may hold secrets).
    /// </summary>
    public static string DescribeContainers(IReadOnlyList<ServiceContainer> containers)
    {
        if (containers.Count == 0)
        {
            return "none running";
        }

        var states = containers.GroupBy(c => c.Status, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(4)
            .Select(g => $"{g.Count()} {Bounded(g.Key)}");
        return string.Join(", ", states);
    }

    private static string Bounded(string state) => state.Length <= 32 ? state : state[..32];

    /// <summary>True while Northflank is still moving towards the spec, so the next look should come soon.</summary>
    public static bool InProgress(ConditionVerdict ready) =>
        ready.Reason is ReadyReasons.Creating or ReadyReasons.Deploying or ReadyReasons.Pausing or ReadyReasons.Resuming;
}
