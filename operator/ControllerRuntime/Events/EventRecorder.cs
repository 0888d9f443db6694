using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControllerRuntime;

public enum EventType
{
    Normal,
    Warning,
}

/// <summary>Writes core/v1 Events about objects. Never throws: a lost event is logged, not fatal.</summary>
public interface IEventRecorder
{
    /// <param name="reason">CamelCase, machine-readable (e.g. "ServiceCreated").</param>
    /// <param name="message">Human-readable; must not contain secrets.</param>
    Task RecordAsync(IKubernetesObject<V1ObjectMeta> involvedObject, EventType type, string reason, string message, CancellationToken ct = default);
}

/// <summary>Where events go; the API server in production, a fake in tests.</summary>
public interface IEventSink
{
    Task CreateAsync(Corev1Event ev, CancellationToken ct);

    Task PatchAsync(string @namespace, string name, V1Patch patch, CancellationToken ct);
}

/// <summary>Events go to the API server, and only while the leadership fence holds: a deposed leader writes nothing.</summary>
public sealed class KubernetesEventSink(IKubernetes kubernetes, ILeadershipFence? fence = null) : IEventSink
{
    private readonly ILeadershipFence fence = fence ?? AlwaysHeldFence.Instance;

    public Task CreateAsync(Corev1Event ev, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ev);
        fence.ThrowIfLost();
        return kubernetes.CoreV1.CreateNamespacedEventAsync(ev, ev.Metadata.NamespaceProperty, cancellationToken: ct);
    }

    public Task PatchAsync(string @namespace, string name, V1Patch patch, CancellationToken ct)
    {
        fence.ThrowIfLost();
        return kubernetes.CoreV1.PatchNamespacedEventAsync(patch, name, @namespace, cancellationToken: ct);
    }
}

public sealed record EventRecorderOptions
{
    /// <summary>The controller that reports (source.component, reportingComponent): the operator's name.</summary>
    public string ReportingComponent { get; init; } = "controller-runtime";

    /// <summary>Usually the pod name; defaults to the machine name.</summary>
    public string? ReportingInstance { get; init; }

    /// <summary>Identical events (object, type, reason, message) within this window update one Event's count.</summary>
    public TimeSpan AggregationWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Repeats within this interval after a write are only counted; the next write carries the count.</summary>
    public TimeSpan MinUpdateInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Namespace for events about cluster-scoped objects.</summary>
    public string ClusterScopedNamespace { get; init; } = "default";

    public int MaxMessageLength { get; init; } = 1024;

    /// <summary>
    /// Event writes sent to the API server at once. Events are for people and can wait; a burst of reconciles (a hundred
    /// Sandboxes turning Ready in one look) must not double its API server writes with as many concurrent Event POSTs
    /// racing the status writes users wait on. client-go likewise writes events from one queue, one at a time.
    /// </summary>
    public int MaxWritesInFlight { get; init; } = 4;

    /// <summary>Writes waiting for a turn or in flight before new ones are dropped (logged), as client-go's broadcaster drops when its queue is full.</summary>
    public int MaxWritesWaiting { get; init; } = 1000;
}

/// <summary>
/// Records Events with client-go-like aggregation: the first occurrence creates an Event; identical ones within
/// <see cref="EventRecorderOptions.AggregationWindow"/> bump its count and lastTimestamp, written at most once per
/// <see cref="EventRecorderOptions.MinUpdateInterval"/>, so a failing loop cannot flood the API server.
/// </summary>
public sealed class EventRecorder : IEventRecorder
{
    private const int MaxCacheEntries = 4096;
    private readonly IEventSink sink;
    private readonly EventRecorderOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<(string Object, EventType Type, string Reason, string Message), Entry> seen = [];
    private readonly SemaphoreSlim turns;
    private int waiting;

    public EventRecorder(IEventSink sink, EventRecorderOptions? options = null, TimeProvider? time = null, ILogger<EventRecorder>? logger = null)
    {
        this.sink = sink;
        this.options = options ?? new EventRecorderOptions();
        this.time = time ?? TimeProvider.System;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        turns = new SemaphoreSlim(Math.Max(1, this.options.MaxWritesInFlight));
    }

    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> involvedObject, EventType type, string reason, string message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(involvedObject);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        message ??= string.Empty;
        if (message.Length > options.MaxMessageLength)
        {
            message = message[..options.MaxMessageLength];
        }

        var meta = involvedObject.Metadata;
        var ns = string.IsNullOrEmpty(meta.NamespaceProperty) ? options.ClusterScopedNamespace : meta.NamespaceProperty;
        var objectId = $"{involvedObject.Kind}/{meta.Uid ?? ObjectKey.Of(involvedObject).ToString()}";
        var now = time.GetUtcNow();
        if (Aggregate((objectId, type, reason, message), meta.Name, ns, now) is not { } write)
        {
            // Counted only: the next write within the window carries the count.
            return;
        }

        if (Interlocked.Increment(ref waiting) > options.MaxWritesWaiting)
        {
            Interlocked.Decrement(ref waiting);
            logger.LogWarning("Event {Reason} for {Kind} {Key} dropped: {Waiting} event writes are already waiting", reason, involvedObject.Kind, ObjectKey.Of(involvedObject), options.MaxWritesWaiting);
            return;
        }

        try
        {
            // Async waiters of a SemaphoreSlim are served first come, first served: an Event's create goes before its updates.
            await turns.WaitAsync(ct);
            try
            {
                await WriteAsync(involvedObject, write.Entry, ns, type, reason, message, write.Count, write.Create, now, ct);
            }
            finally
            {
                turns.Release();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (LeadershipLostException)
        {
            // Expected while a deposed leader stops: its events are fenced off like every other write.
            logger.LogDebug("Event {Reason} for {Key} not recorded: no longer the leader", reason, ObjectKey.Of(involvedObject));
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not record event {Reason} for {Kind} {Key}: {ErrorType}: {Message}", reason, involvedObject.Kind, ObjectKey.Of(involvedObject), ex.GetType().Name, ex.Message);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    /// <summary>
    /// Counts one occurrence: a new Event to create, or an existing one to update with its count, or <c>null</c> when
    /// the last write of the same Event is more recent than <see cref="EventRecorderOptions.MinUpdateInterval"/>.
    /// </summary>
    private (Entry Entry, int Count, bool Create)? Aggregate((string Object, EventType Type, string Reason, string Message) cacheKey, string objectName, string ns, DateTimeOffset now)
    {
        lock (gate)
        {
            if (seen.TryGetValue(cacheKey, out var existing) && now - existing.LastSeen < options.AggregationWindow)
            {
                existing.Count++;
                existing.LastSeen = now;
                if (now - existing.LastWritten < options.MinUpdateInterval)
                {
                    return null;
                }

                existing.LastWritten = now;
                return (existing, existing.Count, false);
            }

            Prune(now);
            var entry = new Entry(EventName(objectName, now), ns, now) { Count = 1, LastSeen = now, LastWritten = now };
            seen[cacheKey] = entry;
            return (entry, entry.Count, true);
        }
    }

    /// <summary>Updates the Event's count, or creates it (also when the one to update has expired).</summary>
    private async Task WriteAsync(
        IKubernetesObject<V1ObjectMeta> involvedObject, Entry entry, string ns, EventType type, string reason, string message, int count, bool create, DateTimeOffset now, CancellationToken ct)
    {
        if (!create)
        {
            try
            {
                var patch = new JsonObject
                {
                    ["count"] = count,
                    ["lastTimestamp"] = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                };
                await sink.PatchAsync(entry.Namespace, entry.Name, new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ct);
                return;
            }
            catch (Exception ex) when (KubernetesErrors.IsNotFound(ex))
            {
                // The Event expired (events have a TTL): start a new one carrying the count.
            }
        }

        await sink.CreateAsync(BuildEvent(involvedObject, entry, ns, type, reason, message, count, now), ct);
    }

    private Corev1Event BuildEvent(IKubernetesObject<V1ObjectMeta> obj, Entry entry, string ns, EventType type, string reason, string message, int count, DateTimeOffset now)
    {
        var meta = obj.Metadata;
        var instance = options.ReportingInstance ?? Environment.MachineName;
        return new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = entry.Name, NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = obj.ApiVersion,
                Kind = obj.Kind,
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
            },
            Type = type.ToString(),
            Reason = reason,
            Message = message,
            Count = count,
            FirstTimestamp = entry.FirstSeen.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Source = new V1EventSource { Component = options.ReportingComponent, Host = instance },
            ReportingComponent = options.ReportingComponent,
            ReportingInstance = instance,
        };
    }

    private static string EventName(string objectName, DateTimeOffset now) =>
        $"{objectName}.{(now.UtcTicks * 100) + Random.Shared.Next(100):x}";

    private void Prune(DateTimeOffset now)
    {
        if (seen.Count < MaxCacheEntries)
        {
            return;
        }

        foreach (var (key, value) in seen.ToList())
        {
            if (now - value.LastSeen >= options.AggregationWindow)
            {
                seen.Remove(key);
            }
        }

        if (seen.Count >= MaxCacheEntries)
        {
            seen.Clear();
        }
    }

    private sealed class Entry(string name, string @namespace, DateTimeOffset firstSeen)
    {
        public string Name { get; } = name;

        public string Namespace { get; } = @namespace;

        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public int Count { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public DateTimeOffset LastWritten { get; set; }
    }
}
