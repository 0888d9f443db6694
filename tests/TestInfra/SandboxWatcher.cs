using System.Collections.Concurrent;
using ControllerRuntime;
using k8s;
using SandboxOperator.Api.V1Alpha1;

namespace TestInfra;

/// <summary>One condition a Sandbox showed at some point: type, status and reason.</summary>
public readonly record struct ConditionSeen(string Sandbox, string Type, string Status, string? Reason);

/// <summary>
/// Watches the Sandboxes of one namespace and remembers, with the time each event arrived, when each first became
/// Ready for its current generation, every condition any of them ever showed, and when each was deleted. A watch
/// rather than polling a list: with a thousand Sandboxes a frequent list would load the API server and still miss
/// short-lived conditions.
/// </summary>
public sealed class SandboxWatcher : IAsyncDisposable
{
    private readonly IListWatch<Sandbox> sandboxes;
    private readonly string @namespace;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> readyAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ConditionSeen, DateTimeOffset> conditionsSeen = new();
    private readonly ConcurrentDictionary<ConditionSeen, string?> firstMessages = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> deletedAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> present = new(StringComparer.Ordinal);
    private readonly Task loop;

    private SandboxWatcher(IKubernetes kubernetes, string @namespace)
    {
        sandboxes = ListWatches.For<Sandbox>(kubernetes, new ListWatchOptions { MinWatchTimeout = TimeSpan.FromMinutes(10) });
        this.@namespace = @namespace;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    /// <summary>When each Sandbox was first seen Ready=True for its current generation.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> ReadyAt => readyAt;

    /// <summary>Every (Sandbox, condition type, status, reason) seen, with when it was first seen.</summary>
    public IReadOnlyDictionary<ConditionSeen, DateTimeOffset> ConditionsSeen => conditionsSeen;

    /// <summary>The message a condition in <see cref="ConditionsSeen"/> carried when it was first seen: what a failure prints.</summary>
    public string? FirstMessage(ConditionSeen condition) => firstMessages.GetValueOrDefault(condition);

    /// <summary>
    /// When each Sandbox was first seen gone: its Deleted event, or the first list without it after the watch broke
    /// (then no earlier than the gap, so latencies measured from it are upper bounds). Only Sandboxes seen before.
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset> DeletedAt => deletedAt;

    public static SandboxWatcher Start(IKubernetes kubernetes, string @namespace) => new(kubernetes, @namespace);

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
        sandboxes,
        @namespace,
        listed =>
        {
            foreach (var sandbox in listed)
            {
                Observe(sandbox);
            }

            MarkUnlistedGone(listed.Select(s => s.Metadata.Name).ToHashSet(StringComparer.Ordinal));
        },
        (type, sandbox) =>
        {
            if (type is WatchEventType.Added or WatchEventType.Modified)
            {
                Observe(sandbox);
            }
            else if (type is WatchEventType.Deleted)
            {
                Gone(sandbox.Metadata.Name);
            }
        },
        ct);

    /// <summary>Sandboxes deleted while the watch was down show only by their absence from the next list.</summary>
    private void MarkUnlistedGone(HashSet<string> listed)
    {
        foreach (var name in present.Keys.Where(n => !listed.Contains(n)))
        {
            Gone(name);
        }
    }

    private void Gone(string name)
    {
        if (present.TryRemove(name, out _))
        {
            deletedAt.TryAdd(name, DateTimeOffset.UtcNow);
        }
    }

    private void Observe(Sandbox sandbox)
    {
        var now = DateTimeOffset.UtcNow;
        var name = sandbox.Metadata.Name;
        present.TryAdd(name, 0);
        foreach (var condition in sandbox.Status?.Conditions ?? [])
        {
            var seen = new ConditionSeen(name, condition.Type, condition.Status, condition.Reason);
            if (conditionsSeen.TryAdd(seen, now))
            {
                firstMessages.TryAdd(seen, condition.Message);
            }

            if (condition is { Type: ConditionTypes.Ready, Status: "True" } && condition.ObservedGeneration == sandbox.Metadata.Generation)
            {
                readyAt.TryAdd(name, now);
            }
        }
    }
}
