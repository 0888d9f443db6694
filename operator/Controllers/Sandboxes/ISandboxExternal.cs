namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Northflank as one Sandbox sees it, in the verbs of Crossplane's external client: observe, create, update, delete,
/// and the Sandbox's own extras (add a volume, pause, resume, release). Bound to the Sandbox, its token and its names on
/// Northflank (<see cref="SandboxTarget"/>) by the <see cref="SandboxConnector"/>, and stateless: what it needs of the
/// reconcile's memory comes in as arguments (<see cref="Look"/>), and what it did comes back in its result for the
/// <see cref="SandboxExecutor"/> to record (<see cref="SandboxRecord.Note"/>). Every verb is safe to repeat after a
/// crash, never touches what is not the Sandbox's (<see cref="Ownership.Foreign"/> comes back as a result), and reports
/// Northflank's failures as results.
/// </summary>
public interface ISandboxExternal
{
    /// <summary>What exists under the Sandbox's names, whose it is, and its state.</summary>
    Task<ExternalResult> ObserveAsync(Look look, CancellationToken ct);

    /// <summary>
    /// Creates the service <paramref name="observed"/> did not find, mounting the Sandbox's volume (made first, or found
    /// and taken) when <paramref name="desired"/> has one. Reports the create as sent (<see cref="ExternalResult.CreateSent"/>)
    /// whatever its answer.
    /// </summary>
    Task<ExternalResult> CreateAsync(DesiredState desired, Observation observed, CancellationToken ct);

    /// <summary>Updates the service <paramref name="observed"/> found to <paramref name="desired"/>, while it is still the Sandbox's.</summary>
    Task<ExternalResult> UpdateAsync(DesiredState desired, Observation observed, CancellationToken ct);

    /// <summary>Creates the volume of a Sandbox whose service runs, attached to it (which redeploys the service once).</summary>
    Task<ExternalResult> AddVolumeAsync(DesiredState desired, Observation observed, CancellationToken ct);

    /// <summary>Pauses the service (scale to zero); already paused counts as done.</summary>
    Task<ExternalResult> PauseAsync(Observation observed, CancellationToken ct);

    /// <summary>Resumes the service with <paramref name="desired"/>'s instances; already running counts as done.</summary>
    Task<ExternalResult> ResumeAsync(DesiredState desired, Observation observed, CancellationToken ct);

    /// <summary>
    /// Sends the DELETE of the service with its attached volume. Northflank's answer does not say the service is gone
    /// (the reference does not promise a synchronous delete): a later look confirms it, from the project's shared list.
    /// </summary>
    Task<ExternalResult> DeleteAsync(Observation observed, CancellationToken ct);

    /// <summary>Replaces the ownership marker of the Sandbox's service with a released note (deletionPolicy Orphan).</summary>
    Task<ExternalResult> ReleaseAsync(Observation observed, CancellationToken ct);

    /// <summary>
    /// Whether a shared list already in hand, started after the DELETE sent at <paramref name="sentAt"/>, no longer shows
    /// the service: the delete is confirmed without a call (so without one of the token's worker slots).
    /// </summary>
    bool DeleteConfirmed(DateTimeOffset sentAt);
}

/// <summary>Where a Sandbox lives on Northflank: its project, and the names of its service and (if any) volume.</summary>
public sealed record SandboxTarget(string ProjectId, string ServiceName, string? VolumeName);

/// <summary>How to look: a whole read (GET) or the project's shared list no older than <paramref name="NotBefore"/>.</summary>
/// <param name="WantUrls">Read the service whole once its deployment is done, for the public URLs a list does not carry.</param>
public sealed record Look(bool Full, DateTimeOffset NotBefore, bool WantUrls = false)
{
    /// <summary>
    /// When set, a service missing from a list older than this is looked for again in a newer one: what is there and
    /// whose it is stays true in an old list, but that nothing is there must be recent before anything is let go.
    /// </summary>
    public DateTimeOffset? AbsentNotBefore { get; init; }

    /// <summary>
    /// No look at all: the Sandbox never reached Northflank, so its create is its look (Northflank answers 409 when the
    /// name is taken, and the create then reads what is there). A burst of new Sandboxes costs a create each, not lists.
    /// </summary>
    public bool CreateFirst { get; init; }

    /// <summary>
    /// The DELETE was sent: once the service is gone, a volume still under the Sandbox's volume name is read, to be
    /// reported (it is not the Sandbox's to delete). Before the DELETE it is not read.
    /// </summary>
    public bool AfterDelete { get; init; }

    /// <summary>The failed deployment already explained: while it is the same failure, its containers are not read again.</summary>
    public FailureExplanation? Explained { get; init; }
}
