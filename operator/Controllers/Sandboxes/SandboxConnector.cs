using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Resolves what a Sandbox needs to reach Northflank (its config, token, project and, while it lives, the rest of its
/// inputs) and binds an <see cref="ISandboxExternal"/> to it, like Crossplane's connector. Decides nothing: what cannot
/// be resolved is reported in the <see cref="Connection"/> for the planner.
/// </summary>
public sealed class SandboxConnector(
    InputResolver inputs, AccessResolver access, INorthflankApiFactory northflank, OrphanCollector orphans, ServiceListCache lists, ReconcilerOptions options, TimeProvider time)
{
    public Task<Connection> ConnectAsync(Sandbox sandbox, SandboxRecord record, CancellationToken ct) =>
        sandbox.Metadata.DeletionTimestamp is null ? ConnectLiveAsync(sandbox, record, ct) : ConnectDeletingAsync(sandbox, record, ct);

    private async Task<Connection> ConnectLiveAsync(Sandbox sandbox, SandboxRecord record, CancellationToken ct)
    {
        try
        {
            var resolved = await inputs.ResolveAsync(sandbox, ct);
            record.Token = resolved.Token;
            var desired = DesiredState.Build(sandbox, resolved, options.ClusterId, time.GetUtcNow());
            var use = northflank.Use(record.Key, resolved.Token);
            orphans.Track(resolved.Access!, resolved.Token, desired.ProjectId, use.Api);
            return Bind(sandbox, record, desired.Target, use, resolved.Token) with { Desired = desired };
        }
        catch (InvalidInputException e)
        {
            return new Connection(ConnectionState.Refused) { Reason = e.Reason, Message = e.Message };
        }
    }

    /// <summary>
    /// Nothing in status is trusted for a delete but the project it was created in (tenants cannot write status), and
    /// that only within the config's projects. A config or Secret gone meanwhile (a namespace being deleted) falls back
    /// to the token last seen working.
    /// </summary>
    private async Task<Connection> ConnectDeletingAsync(Sandbox sandbox, SandboxRecord record, CancellationToken ct)
    {
        sandbox = await inputs.WithTemplateAsync(sandbox, ct); // its template may name its config
        NorthflankAccess? policy = null;
        NorthflankToken? token;
        try
        {
            policy = access.Resolve(sandbox);
            token = await inputs.ResolveTokenAsync(sandbox, policy, ct);
            record.Token = token;
        }
        catch (InvalidInputException)
        {
            token = record.Token;
        }

        var projectId = sandbox.Status?.ProjectId ?? sandbox.Spec.ProjectId ?? policy?.DefaultProject;
        if (token is null || projectId is null)
        {
            return new Connection(ConnectionState.NoCredentials);
        }

        if (policy is not null && !policy.AllowsProject(projectId))
        {
            return new Connection(ConnectionState.ProjectNotAllowed) { Message = $"project {projectId} is not one {policy.Config} allows, so nothing was deleted there" };
        }

        var volume = sandbox.Spec.Volume is not null || sandbox.Status?.VolumeId is not null ? SandboxNaming.VolumeName(sandbox) : null;
        var target = new SandboxTarget(projectId, SandboxNaming.ServiceName(sandbox), volume);
        return Bind(sandbox, record, target, northflank.Use(record.Key, token), token);
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

    /// <summary>A deleting Sandbox has no token (config and Secret gone, none remembered) or no project.</summary>
    NoCredentials,

    /// <summary>A deleting Sandbox's project is outside its config: nothing is deleted there.</summary>
    ProjectNotAllowed,
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
}
