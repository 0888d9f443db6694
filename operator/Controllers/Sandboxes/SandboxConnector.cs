using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Templates;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Resolves what a Sandbox needs to reach Northflank (its config, token, project and, while it lives, the rest of its
/// inputs) and binds an <see cref="ISandboxExternal"/> to it (from the <see cref="ISandboxExternalFactory"/> it is
/// given), like Crossplane's connector. Decides nothing: what cannot be resolved is reported as a case of
/// <see cref="Connection"/> for the planner.
/// </summary>
public sealed class SandboxConnector(
    InputResolver inputs, AccessResolver access, INorthflankApiFactory northflank, OrphanCollector orphans, ISandboxExternalFactory externals, ReconcilerOptions options, TimeProvider time)
{
    /// <param name="recorded">The service the Sandbox created, as status or memory recorded it.</param>
    public Task<Connection> ConnectAsync(Sandbox sandbox, SandboxRecord record, RecordedService? recorded, CancellationToken ct) =>
        sandbox.Metadata.DeletionTimestamp is not null ? ConnectDeletingAsync(sandbox, record, recorded, ct) : ConnectLiveAsync(sandbox, record, ct);

    private async Task<Connection> ConnectLiveAsync(Sandbox sandbox, SandboxRecord record, CancellationToken ct)
    {
        try
        {
            var template = await inputs.TemplateAsync(sandbox, ct);
            if (TemplatePin.Holds(sandbox, template))
            {
                return new Connection.Held($"made from another spec of SandboxTemplate {template!.Metadata.Name}: its pool replaces it");
            }

            var resolved = await inputs.ResolveAsync(sandbox, template, ct);
            (record.Token, record.TokenConfig) = (resolved.Token, resolved.Access!.Config);
            var desired = DesiredState.Build(sandbox, resolved, options.ClusterId, time.GetUtcNow());
            var use = northflank.Use(record.Key, resolved.Token);
            orphans.Track(resolved.Access!, resolved.Token, desired.ProjectId, use.Api);
            var external = externals.For(sandbox, desired.Target, use, resolved.Token);
            return new Connection.Live(desired.Target, use, resolved.Token, external, desired);
        }
        catch (InvalidInputException e)
        {
            return new Connection.Refused(e.Reason, e.Message, e.ServiceUnaffected);
        }
    }

    /// <summary>
    /// A delete goes only where the service was recorded (<see cref="RecordedService"/>): its project, its service, and
    /// the config it was applied through, never spec.configRef or spec.projectId as a tenant may have changed them since.
    /// That config must still serve the namespace and allow the project. A config or Secret gone meanwhile (a namespace
    /// being deleted) falls back to the token last seen working, only if it came from that same config.
    /// </summary>
    private async Task<Connection> ConnectDeletingAsync(Sandbox sandbox, SandboxRecord record, RecordedService? recorded, CancellationToken ct)
    {
        sandbox = await inputs.WithTemplateAsync(sandbox, ct); // its template may name its config (a status without one)
        recorded ??= Unrecorded(sandbox);
        if (recorded is null)
        {
            return new Connection.NothingRecorded();
        }

        var config = recorded.Config ?? access.KeyOf(sandbox);
        NorthflankAccess? policy = null;
        NorthflankToken? token;
        try
        {
            policy = access.Resolve(config, sandbox.Metadata.NamespaceProperty);
            token = await inputs.ResolveTokenAsync(sandbox, policy, ct);
            (record.Token, record.TokenConfig) = (token, config);
        }
        catch (InvalidInputException)
        {
            token = record.TokenConfig == config ? record.Token : null;
        }

        if (token is null)
        {
            return new Connection.NoCredentials($"{config} or its credentials are gone");
        }

        if (policy is not null && !policy.AllowsProject(recorded.ProjectId))
        {
            return new Connection.ProjectNotAllowed($"project {recorded.ProjectId} is not one {policy.Config} allows, so nothing was deleted there");
        }

        var volume = sandbox.Spec.Volume is not null || sandbox.Status?.VolumeId is not null ? SandboxNaming.VolumeNameOf(recorded.ServiceId) : null;
        var target = new SandboxTarget(recorded.ProjectId, recorded.ServiceId, volume);
        var use = northflank.Use(record.Key, token);
        return new Connection.Deleting(target, use, token, externals.For(sandbox, target, use, token));
    }

    /// <summary>
    /// Nothing recorded: an operator that stopped between a create and its status write may still have made a service.
    /// Only the name the operator itself gives (from the uid, never the annotation) is looked for, only in a project
    /// the Sandbox's current config allows, and only with that config's token (never one remembered); it is deleted only
    /// if it carries this Sandbox's marker. Null when no such place exists: nothing was created, nothing is deleted.
    /// </summary>
    private RecordedService? Unrecorded(Sandbox sandbox)
    {
        try
        {
            var policy = access.Resolve(sandbox);
            var projectId = sandbox.Spec.ProjectId ?? policy.DefaultProject;
            return policy.AllowsProject(projectId) ? new RecordedService(projectId, SandboxNaming.CreatedName(sandbox), policy.Config) : null;
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }
}
