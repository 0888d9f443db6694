using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Connect;

/// <summary>Where a session goes on Northflank, and with which token (which never leaves the operator).</summary>
public sealed record SessionTarget(string ProjectId, string ServiceId, NorthflankToken Token);

/// <summary>Reads one Sandbox as it is now (null: there is none).</summary>
public interface ISandboxSource
{
    Task<Sandbox?> GetAsync(string @namespace, string name, CancellationToken ct);
}

/// <summary>
/// Resolves a Sandbox to the Northflank service a session may reach, by the delete path's rule
/// (<see cref="RecordedService"/>): only the project and service status recorded, through the config status recorded,
/// which must still serve the Sandbox's namespace and allow that project. Never spec.projectId or spec.configRef as
/// they read now: a tenant may have pointed them at another project or another tenant's config since, and an exec is
/// as strong as a write. The config is read for the session (<see cref="SessionConfigs"/>), so any replica can serve it.
/// </summary>
public sealed class SandboxSessions(ISandboxSource sandboxes, AccessResolver access, InputResolver inputs, SessionConfigs configs)
{
    public const string NotReady = "SandboxNotReady";
    public const string Paused = "SandboxPaused";
    public const string ConfigRefused = "SandboxConfigRefused";

    /// <summary>The Sandbox, or 404.</summary>
    public async Task<Sandbox> FindAsync(string @namespace, string name, CancellationToken ct) =>
        await sandboxes.GetAsync(@namespace, name, ct)
        ?? throw new ConnectRefusedException(404, "NotFound", $"sandboxes.{Sandbox.Group} \"{name}\" not found");

    /// <summary>
    /// The target of an exec (<paramref name="running"/>: the Sandbox must be Ready and not paused) or of a log (any
    /// Sandbox whose service is recorded: a failing one's log is what one reads first).
    /// </summary>
    /// <exception cref="ConnectRefusedException">409 saying why the Sandbox cannot be reached.</exception>
    public async Task<SessionTarget> ResolveAsync(Sandbox sandbox, bool running, CancellationToken ct)
    {
        var id = $"Sandbox {sandbox.Metadata.NamespaceProperty}/{sandbox.Metadata.Name}";
        if (running)
        {
            Admit(sandbox, id);
        }

        var recorded = RecordedService.InStatus(sandbox)
            ?? throw ConnectRefusedException.Conflict(NotReady, $"{id} has no Northflank service yet");
        var ns = sandbox.Metadata.NamespaceProperty;
        try
        {
            var merged = await inputs.WithTemplateAsync(sandbox, ct); // its template may name its config (a status without one)
            var config = recorded.Config ?? access.KeyOf(merged);
            var policy = await configs.ResolveAsync(config, ns, ct);
            if (!policy.AllowsProject(recorded.ProjectId))
            {
                throw ConnectRefusedException.Conflict(ConfigRefused, $"{id}: project {recorded.ProjectId} is not one {policy.Config} allows");
            }

            var token = await inputs.ResolveTokenAsync(merged, policy, ct);
            return new SessionTarget(recorded.ProjectId, recorded.ServiceId, token);
        }
        catch (InvalidInputException e)
        {
            throw ConnectRefusedException.Conflict(ConfigRefused, $"{id}: {e.Message}");
        }
    }

    /// <summary>An exec needs the Sandbox up: not being deleted, not paused (asked or observed), and Ready.</summary>
    private static void Admit(Sandbox sandbox, string id)
    {
        if (sandbox.Metadata.DeletionTimestamp is not null)
        {
            throw ConnectRefusedException.Conflict(NotReady, $"{id} is being deleted");
        }

        var ready = sandbox.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        if (sandbox.Spec.OperatingMode == OperatingModes.Paused || sandbox.Status?.OperatingMode == OperatingModes.Paused || ready?.Reason == ReadyReasons.Paused)
        {
            throw ConnectRefusedException.Conflict(Paused, $"{id} is paused: resume it (spec.operatingMode: Running) first");
        }

        if (ready?.Status != "True")
        {
            throw ConnectRefusedException.Conflict(NotReady, $"{id} is not Ready{(ready?.Reason is { Length: > 0 } reason ? $" ({reason})" : "")}");
        }
    }
}
