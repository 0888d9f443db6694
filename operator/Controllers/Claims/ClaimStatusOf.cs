using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.WarmPools;

namespace SandboxOperator.Controllers.Claims;

/// <summary>
/// A claim's status, pure: its Sandbox's name, how it was had, its URL, and Ready mirrored from the Sandbox's once that
/// describes the Sandbox's current spec (so <c>kubectl wait --for=condition=Ready sandboxclaim/x</c> works).
/// </summary>
public static class ClaimStatusOf
{
    public const string Binding = "Binding";

    public static SandboxClaimStatus Mirror(SandboxClaim claim, Sandbox sandbox, DateTimeOffset now)
    {
        var ready = sandbox.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        var current = sandbox.Status?.ObservedGeneration == sandbox.Metadata.Generation;
        var (status, reason, message) = sandbox.Metadata.DeletionTimestamp is not null
            ? ("False", ReadyReasons.Deleting, $"Sandbox {sandbox.Metadata.Name} is being deleted")
            : ready is not null && current
                ? (ready.Status, ready.Reason, $"Sandbox {sandbox.Metadata.Name}: {ready.Message}")
                : ("False", Binding, $"waiting for Sandbox {sandbox.Metadata.Name} to take its spec");
        return new SandboxClaimStatus
        {
            ObservedGeneration = claim.Metadata.Generation,
            SandboxName = sandbox.Metadata.Name,
            LaunchType = PoolLabels.Label(sandbox, PoolLabels.LaunchType) ?? claim.Status?.LaunchType,
            Url = sandbox.Status?.Url,
            Conditions = [Condition(claim, status, reason, message, now)],
        };
    }

    public static SandboxClaimStatus Refused(SandboxClaim claim, Refusal refusal, DateTimeOffset now) => new()
    {
        ObservedGeneration = claim.Metadata.Generation,
        Conditions = [Condition(claim, "False", refusal.Reason, refusal.Message, now)],
    };

    /// <summary>
    /// A bound claim whose changed spec could not be applied to its Sandbox: the Sandbox as bound, and Ready=False saying
    /// why (for this generation, so GitOps tools show the failure rather than wait for the operator to look).
    /// </summary>
    public static SandboxClaimStatus NotFollowed(SandboxClaim claim, Sandbox sandbox, Refusal refusal, DateTimeOffset now)
    {
        var status = Mirror(claim, sandbox, now);
        status.Conditions = [Condition(claim, "False", refusal.Reason, refusal.Message, now)];
        return status;
    }

    /// <summary>
    /// A bound claim's spec may not be on its Sandbox yet: its generation was not looked at, or what was looked at could
    /// not be applied (<see cref="NotFollowed"/>), which is then tried again.
    /// </summary>
    public static bool ChangePending(SandboxClaim claim) =>
        claim.Status is { ObservedGeneration: { } seen } status
        && (seen != claim.Metadata.Generation
            || status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is { Status: "False", Reason: SyncedReasons.InvalidSpec or SandboxRefusedException.Reason });

    public static bool Same(SandboxClaimStatus? a, SandboxClaimStatus b) =>
        a is not null && a.ObservedGeneration == b.ObservedGeneration && a.SandboxName == b.SandboxName && a.LaunchType == b.LaunchType && a.Url == b.Url
        && a.Conditions?.FirstOrDefault() is { } c && b.Conditions!.First() is var d && c.Status == d.Status && c.Reason == d.Reason && c.Message == d.Message;

    private static V1Condition Condition(SandboxClaim claim, string status, string reason, string message, DateTimeOffset now)
    {
        var previous = claim.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        return new V1Condition
        {
            Type = ConditionTypes.Ready,
            Status = status,
            Reason = reason,
            Message = message,
            ObservedGeneration = claim.Metadata.Generation,
            LastTransitionTime = previous?.Status == status && previous.LastTransitionTime is { } at ? at : now.UtcDateTime,
        };
    }
}
