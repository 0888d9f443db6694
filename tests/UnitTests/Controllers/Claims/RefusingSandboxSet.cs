using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Claims;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Templates;

namespace UnitTests.Controllers.Claims;

/// <summary>
/// Sandboxes as the API server keeps them, with a switch that makes it refuse creates and patches as it refuses an
/// invalid object (422, translated by the host into a <see cref="SandboxRefusedException"/>), counting every attempt.
/// </summary>
internal sealed class RefusingSandboxSet : ISandboxSet
{
    /// <summary>What the API server says when it refuses (null: it accepts).</summary>
    public string? Refusal { get; set; }

    public List<Sandbox> Stored { get; } = [];

    public int Creates { get; private set; }

    public int Patches { get; private set; }

    public bool Synced => true;

    public IReadOnlyList<Sandbox> InNamespace(string namespaceName) => [.. Stored.Where(s => s.Metadata.NamespaceProperty == namespaceName)];

    public Task<Sandbox> CreateAsync(Sandbox sandbox, CancellationToken ct)
    {
        Creates++;
        if (Refusal is { } refusal)
        {
            throw new SandboxRefusedException(refusal);
        }

        sandbox.Metadata.Name ??= sandbox.Metadata.GenerateName + Creates;
        sandbox.Metadata.Uid = $"uid-{sandbox.Metadata.Name}";
        Stored.Add(sandbox);
        return Task.FromResult(sandbox);
    }

    public Task DeleteAsync(Sandbox sandbox, CancellationToken ct)
    {
        Stored.RemoveAll(s => s.Metadata.Name == sandbox.Metadata.Name);
        return Task.CompletedTask;
    }

    public Task<Sandbox?> TryPatchAsync(Sandbox sandbox, string mergePatch, CancellationToken ct)
    {
        Patches++;
        return Refusal is { } refusal ? throw new SandboxRefusedException(refusal) : Task.FromResult<Sandbox?>(sandbox);
    }

    public Task<Sandbox?> GetAsync(string namespaceName, string name, CancellationToken ct) =>
        Task.FromResult(Stored.FirstOrDefault(s => s.Metadata.NamespaceProperty == namespaceName && s.Metadata.Name == name));
}

/// <summary>Status writes and events of one kind, kept for the test to read.</summary>
internal sealed class RecordingWriter<TEntity, TStatus> : IStatusWriter<TEntity, TStatus>
{
    public List<TStatus> Statuses { get; } = [];

    public List<(bool Warning, string Reason, string Message)> Events { get; } = [];

    public Task<string?> WriteStatusAsync(TEntity entity, TStatus status, CancellationToken ct)
    {
        Statuses.Add(status);
        return Task.FromResult<string?>(null);
    }

    public void Record(TEntity entity, bool warning, string reason, string message) => Events.Add((warning, reason, message));
}

/// <summary>One namespace's templates and pools.</summary>
internal sealed class Catalog : ISandboxTemplates, IWarmPools
{
    public List<SandboxTemplate> Templates { get; } = [];

    public List<SandboxWarmPool> Pools { get; } = [];

    public Task<SandboxTemplate?> GetAsync(string namespaceName, string name, CancellationToken ct) =>
        Task.FromResult(Templates.FirstOrDefault(t => t.Metadata.NamespaceProperty == namespaceName && t.Metadata.Name == name));

    Task<SandboxWarmPool?> IWarmPools.GetAsync(string namespaceName, string name, CancellationToken ct) =>
        Task.FromResult(Pools.FirstOrDefault(p => p.Metadata.NamespaceProperty == namespaceName && p.Metadata.Name == name));

    public static SandboxTemplate Template(string name = "agent") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team-a", Uid = $"uid-{name}", Generation = 1 },
        Spec = new SandboxTemplateSpec { Image = "python:3.12-slim" },
    };
}
