using System.Collections.Concurrent;
using ControllerRuntime;
using k8s;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace Benchmarks;

/// <summary>Watches one namespace's SandboxClaims and remembers when each was first seen Ready=True (time the event arrived).</summary>
internal sealed class ClaimWatcher : IAsyncDisposable
{
    private readonly IListWatch<SandboxClaim> claims;
    private readonly string @namespace;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> readyAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Claim, string Status, string? Reason, string? Sandbox), DateTimeOffset> seen = new();
    private readonly Task loop;

    private ClaimWatcher(IKubernetes kubernetes, string @namespace)
    {
        claims = ListWatches.For<SandboxClaim>(kubernetes, new ListWatchOptions { MinWatchTimeout = TimeSpan.FromMinutes(10) });
        this.@namespace = @namespace;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    public IReadOnlyDictionary<string, DateTimeOffset> ReadyAt => readyAt;

    /// <summary>Every (claim, Ready status, reason, Sandbox) seen, with when it was first seen: how each claim got to Ready.</summary>
    public IReadOnlyDictionary<(string Claim, string Status, string? Reason, string? Sandbox), DateTimeOffset> Seen => seen;

    public static ClaimWatcher Start(IKubernetes kubernetes, string @namespace) => new(kubernetes, @namespace);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private Task RunAsync(CancellationToken ct) => NamespaceWatch.RunAsync(
        claims,
        @namespace,
        listed =>
        {
            foreach (var claim in listed)
            {
                Observe(claim);
            }
        },
        (type, claim) =>
        {
            if (type is WatchEventType.Added or WatchEventType.Modified)
            {
                Observe(claim);
            }
        },
        ct);

    private void Observe(SandboxClaim claim)
    {
        var now = DateTimeOffset.UtcNow;
        if (claim.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is { } ready)
        {
            seen.TryAdd((claim.Metadata.Name, ready.Status, ready.Reason, claim.Status.SandboxName), now);
        }

        if (claim.Status?.Conditions?.Any(c => c is { Type: ConditionTypes.Ready, Status: "True" }) == true)
        {
            readyAt.TryAdd(claim.Metadata.Name, now);
        }
    }
}
