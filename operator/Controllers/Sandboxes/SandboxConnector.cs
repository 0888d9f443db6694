using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Templates;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Resolves what a Sandbox needs to reach Northflank (its config, token, project and, while it lives, the rest of its
/// inputs) and binds an <see cref="ISandboxExternal"/> to it, like Crossplane's connector. Decides nothing: what cannot
/// be resolved is reported in the <see cref="Connection"/> for the planner.
/// </summary>
public sealed class SandboxConnector(
    InputResolver inputs, AccessResolver access, INorthflankApiFactory northflank, OrphanCollector orphans, ServiceListCache lists, ReconcilerOptions options, TimeProvider time)
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
                return new Connection(ConnectionState.Held) { Message = $"made from another spec of SandboxTemplate {template!.Metadata.Name}: its pool replaces it" };
            }

            var resolved = await inputs.ResolveAsync(sandbox, template, ct);
            (record.Token, record.TokenConfig) = (resolved.Token, resolved.Access!.Config);
            var desired = DesiredState.Build(sandbox, resolved, options.ClusterId, time.GetUtcNow());
            var use = northflank.Use(record.Key, resolved.Token);
            orphans.Track(resolved.Access!, resolved.Token, desired.ProjectId, use.Api);
            return Bind(sandbox, record, desired.Target, use, resolved.Token) with { Desired = desired };
        }
        catch (InvalidInputException e)
        {
            return new Connection(ConnectionState.Refused) { Reason = e.Reason, Message = e.Message, ServiceUnaffected = e.ServiceUnaffected };
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
            return new Connection(ConnectionState.NothingRecorded);
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
            return new Connection(ConnectionState.NoCredentials) { Message = $"{config} or its credentials are gone" };
        }

        if (policy is not null && !policy.AllowsProject(recorded.ProjectId))
        {
            return new Connection(ConnectionState.ProjectNotAllowed) { Message = $"project {recorded.ProjectId} is not one {policy.Config} allows, so nothing was deleted there" };
        }

        var volume = sandbox.Spec.Volume is not null || sandbox.Status?.VolumeId is not null ? SandboxNaming.VolumeNameOf(recorded.ServiceId) : null;
        var target = new SandboxTarget(recorded.ProjectId, recorded.ServiceId, volume);
        return Bind(sandbox, record, target, northflank.Use(record.Key, token), token);
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

    private Connection Bind(Sandbox sandbox, SandboxRecord record, SandboxTarget target, TokenUse use, NorthflankToken token) =>
        new(ConnectionState.Connected)
        {
            Target = target,
            Use = use,
            Token = token,
            External = new NorthflankSandboxExternal(use.Api, token, sandbox, target, record, lists, options.ClusterId, time),
        };
}

public enum ConnectionState
{
    Connected,

    /// <summary>A live Sandbox's inputs are refused (missing reference, config or policy): <see cref="Connection.Reason"/> says which.</summary>
    Refused,

    /// <summary>
    /// An unclaimed pooled Sandbox made from another spec of its template (<see cref="TemplatePin"/>): left as it is, its
    /// pool replaces it.
    /// </summary>
    Held,

    /// <summary>A deleting Sandbox has no token: its recorded config or its Secret is gone, and none from it is remembered.</summary>
    NoCredentials,

    /// <summary>A deleting Sandbox's project is outside its config: nothing is deleted there.</summary>
    ProjectNotAllowed,

    /// <summary>A deleting Sandbox recorded no service and has no place one could be: nothing to delete.</summary>
    NothingRecorded,
}

/// <summary>What the <see cref="SandboxConnector"/> resolved; members beyond <see cref="State"/> are set as it says.</summary>
public sealed record Connection(ConnectionState State)
{
    public SandboxTarget? Target { get; init; }

    public TokenUse? Use { get; init; }

    public NorthflankToken? Token { get; init; }

    public ISandboxExternal? External { get; init; }

    /// <summary>For a live Sandbox: what its spec asks of Northflank.</summary>
    public DesiredState? Desired { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>For <see cref="ConnectionState.Refused"/>: see <see cref="InvalidInputException.ServiceUnaffected"/>.</summary>
    public bool ServiceUnaffected { get; init; }
}
