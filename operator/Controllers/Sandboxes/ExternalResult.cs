using System.Globalization;
using System.Net;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>How a call of the <see cref="ISandboxExternal"/> ended. Expected outcomes are results, not exceptions.</summary>
public enum ExternalStatus
{
    /// <summary>Done; <see cref="ExternalResult.Observed"/> is what Northflank holds now.</summary>
    Done,

    /// <summary>The project is not there (deleted, or never was).</summary>
    NotFound,

    /// <summary>The name is taken by something the Sandbox may not touch (<see cref="Ownership.Foreign"/>).</summary>
    Foreign,

    /// <summary>No answer, a timeout or a 5xx: worth retrying unchanged.</summary>
    Transient,

    /// <summary>The token cannot serve the Sandbox before <see cref="ExternalResult.ServedAt"/> (429, or its budget).</summary>
    Throttled,

    /// <summary>Northflank refused the request (a 4xx): only a change can fix it.</summary>
    Rejected,
}

/// <param name="Observed">What Northflank holds as far as the call got (what it started from when it failed).</param>
/// <param name="Reason">A Synced reason for <see cref="ExternalStatus.Rejected"/> and <see cref="ExternalStatus.Foreign"/>.</param>
/// <param name="Message">What happened, for status and events; never a secret.</param>
public sealed record ExternalResult(ExternalStatus Status, Observation Observed, string? Reason = null, string? Message = null)
{
    /// <summary>When a throttled token serves the Sandbox.</summary>
    public DateTimeOffset? ServedAt { get; init; }

    /// <summary>The failure itself, for the work queue's backoff and its retry-after.</summary>
    public NorthflankApiException? Error { get; init; }

    /// <summary>
    /// When a create, update, pause or resume that got an answer ended: every list started before then is too old for
    /// the Sandbox (<see cref="SandboxRecord.LastWrite"/>).
    /// </summary>
    public DateTimeOffset? WroteAt { get; init; }

    /// <summary>When the DELETE of the service was sent and accepted.</summary>
    public DateTimeOffset? DeleteSentAt { get; init; }

    /// <summary>
    /// The service a create was sent for, in every result after it went out, failed or not (its answer may be lost): a
    /// Sandbox deleted before its status names the service still deletes it (<see cref="SandboxRecord.Created"/>).
    /// Only a cancellation ends a create without a result, and that stops the process, whose memory goes with it.
    /// </summary>
    public RecordedService? CreateSent { get; init; }

    /// <summary>A service found to be the Sandbox's and written with its marker (adopted, or a create whose answer was lost).</summary>
    public RecordedService? Marked { get; init; }

    /// <summary>What the containers of the failed deployment a look found said (read now, or as the look already knew it).</summary>
    public FailureExplanation? Explained { get; init; }

    public bool IsDone => Status == ExternalStatus.Done;

    public static ExternalResult Done(Observation observed) => new(ExternalStatus.Done, observed);

    public static ExternalResult Foreign(Observation observed, string reason, string message) => new(ExternalStatus.Foreign, observed, reason, message);

    /// <summary>create-deployment-service.md's answer for an external image Northflank cannot pull.</summary>
    public const string UnverifiedImageMessage = "Unable to verify external image";

    /// <summary>
    /// Classifies a failed write of <paramref name="desired"/>: Northflank's 400 "Unable to verify external image" is
    /// <see cref="SyncedReasons.ImageNotVerified"/>, naming the image and the credentials' id (never their content).
    /// </summary>
    public static ExternalResult Failed(NorthflankApiException e, Observation observed, DesiredState desired)
    {
        if (e.Status != HttpStatusCode.BadRequest || !e.Message.Contains(UnverifiedImageMessage, StringComparison.OrdinalIgnoreCase))
        {
            return Failed(e, observed);
        }

        var external = desired.Service.Deployment.External;
        var with = external.Credentials is { } id ? $"with the saved registry credentials {id}" : "without registry credentials (spec.imageCredentials is unset)";
        return new(ExternalStatus.Rejected, observed, SyncedReasons.ImageNotVerified,
            $"Northflank could not verify the image {external.ImagePath} {with}: it answered 400 {UnverifiedImageMessage}")
        { Error = e };
    }

    /// <summary>Classifies a failed Northflank call.</summary>
    public static ExternalResult Failed(NorthflankApiException e, Observation observed)
    {
        if (e.IsThrottled)
        {
            var why = e.ErrorId == NorthflankApiException.DeferredErrorId ? e.Message : $"Northflank answered 429 ({e.Message.TrimEnd('.')})";
            return new(ExternalStatus.Throttled, observed, SyncedReasons.Throttled, why) { ServedAt = e.ServedAt, Error = e };
        }

        if (e.IsTransient)
        {
            var code = e.Status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "no response";
            return new(ExternalStatus.Transient, observed, SyncedReasons.NorthflankUnavailable, $"Northflank did not answer ({code})") { Error = e };
        }

        var answered = $"Northflank answered {(int?)e.Status}: {e.Message}";
        return e.Status switch
        {
            HttpStatusCode.NotFound => new(ExternalStatus.NotFound, observed, SyncedReasons.NorthflankRejected, answered) { Error = e },
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new(ExternalStatus.Rejected, observed, SyncedReasons.Unauthorized, answered) { Error = e },
            _ => new(ExternalStatus.Rejected, observed, SyncedReasons.NorthflankRejected, answered) { Error = e },
        };
    }
}
