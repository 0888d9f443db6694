namespace NorthflankSimulator.State;

/// <summary>
/// The write answers' <c>expiryTime</c>, <c>expiredAt</c> and <c>scheduledDeletion</c> (put-deployment-service.md):
/// before the expiry only <c>expiryTime</c> ("cleared once the service has expired"), after it the other two.
/// </summary>
internal sealed record ExpiryStatus(DateTimeOffset? ExpiryTime, DateTimeOffset? ExpiredAt, DateTimeOffset? ScheduledDeletion);

/// <summary>
/// Derives a service's expiry from the clock, like <see cref="DeploymentStateMachine"/>: no timers, so a fake clock
/// drives it exactly. At <c>expiresAt</c> the service is paused; <c>deletionDelay</c> later it is deleted.
/// </summary>
internal static class ExpiryStateMachine
{
    public static ExpiryStatus? Evaluate(DateTimeOffset? expiresAt, DateTimeOffset now, TimeSpan deletionDelay) => expiresAt switch
    {
        null => null,
        { } at when now < at => new ExpiryStatus(at, null, null),
        { } at => new ExpiryStatus(null, at, at + deletionDelay),
    };

    public static bool HasExpired(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt is { } at && now >= at;

    public static bool IsDueForDeletion(DateTimeOffset? expiresAt, DateTimeOffset now, TimeSpan deletionDelay) =>
        expiresAt is { } at && now >= at + deletionDelay;
}
