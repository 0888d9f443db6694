namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Northflank as one Sandbox sees it, in the verbs of Crossplane's external client: look, apply, pause or resume, delete.
/// Bound to the Sandbox, its token and its names on Northflank (<see cref="SandboxTarget"/>) by the
/// <see cref="SandboxConnector"/>. Every verb is safe to repeat after a crash, never touches what is not the Sandbox's
/// (<see cref="Ownership.Foreign"/> comes back as a result), and reports Northflank's failures as results.
/// </summary>
public interface ISandboxExternal
{
    /// <summary>What exists under the Sandbox's names, whose it is, and its state.</summary>
    Task<ExternalResult> ObserveAsync(Look look, CancellationToken ct);

    /// <summary>
    /// Creates the service when <paramref name="observed"/> has none, else updates it to <paramref name="desired"/> (when
    /// <paramref name="service"/>); then creates the volume when asked for and missing.
    /// </summary>
    Task<ExternalResult> ApplyAsync(DesiredState desired, Observation observed, bool service, bool volume, CancellationToken ct);

    /// <summary>Pauses (scale to zero) or resumes the service; already there counts as done.</summary>
    Task<ExternalResult> SetPausedAsync(bool paused, DesiredState desired, Observation observed, CancellationToken ct);

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
}
