namespace NorthflankSimulator.State;

internal sealed record DeploymentStatus(DeploymentPhase Phase, DeploymentReason Reason, DateTimeOffset LastTransitionTime, string? Message)
{
    public string PhaseName => Phase switch
    {
        DeploymentPhase.Pending => "PENDING",
        DeploymentPhase.InProgress => "IN_PROGRESS",
        DeploymentPhase.Completed => "COMPLETED",
        _ => "FAILED",
    };

    public string ReasonName => Reason == DeploymentReason.Scaling ? "SCALING" : "DEPLOYING";
}

/// <summary>
/// Derives a deployment's state from its start time instead of running timers, so a fake clock drives it exactly
/// and nothing needs cleaning up: PENDING for PendingDuration, IN_PROGRESS for InProgressDuration, then the outcome.
/// </summary>
internal static class DeploymentStateMachine
{
    public static DeploymentStatus Evaluate(Rollout rollout, DateTimeOffset now, DeploymentOptions timing)
    {
        var inProgressAt = rollout.StartedAt + timing.PendingDuration;
        var finishedAt = inProgressAt + timing.InProgressDuration;
        if (now < inProgressAt)
        {
            return new(DeploymentPhase.Pending, rollout.Reason, rollout.StartedAt, null);
        }

        if (now < finishedAt)
        {
            return new(DeploymentPhase.InProgress, rollout.Reason, inProgressAt, null);
        }

        return rollout.FailureMessage is null
            ? new(DeploymentPhase.Completed, rollout.Reason, finishedAt, null)
            : new(DeploymentPhase.Failed, rollout.Reason, finishedAt, rollout.FailureMessage);
    }

    /// <summary>Starts a deployment; it is doomed when it must pull an image the simulator was told cannot be pulled.</summary>
    public static Rollout Start(DateTimeOffset now, DeploymentReason reason, string imagePath, int instances, DeploymentOptions options)
    {
        var failure = instances > 0 && !options.CanPull(imagePath)
            ? $"Failed to pull image \"{imagePath}\": manifest unknown or access denied (ImagePullBackOff)"
            : null;
        return new Rollout(now, reason, failure);
    }
}
