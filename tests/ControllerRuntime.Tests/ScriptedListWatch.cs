using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace ControllerRuntime.Tests;

/// <summary>A list/watch driven by the test: each list returns the next scripted list; each watch reads a channel.</summary>
internal sealed class ScriptedListWatch<T> : IListWatch<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentQueue<Func<EntityListResult<T>>> lists = new();
    private readonly List<T> all = [];
    private readonly Channel<Channel<object>> watches = Channel.CreateUnbounded<Channel<object>>();
    private int listCalls;

    public ConcurrentQueue<(string? Namespace, string ResourceVersion)> WatchCalls { get; } = new();

    public int ListCalls => Volatile.Read(ref listCalls);

    public void EnqueueList(string rv, params T[] items)
    {
        all.AddRange(items);
        lists.Enqueue(() => new EntityListResult<T>(items, rv));
    }

    /// <summary>When set, a list call for a namespace returns only the scripted items of that namespace, so
    /// reflectors of several namespaces that race for the queue still each see their own objects.</summary>
    public bool FilterListsByNamespace { get; set; }

    public void EnqueueListFailure(Exception ex) => lists.Enqueue(() => throw ex);

    /// <summary>The next watch the reflector opens reads from the returned writer. Write EntityWatchEvent, an Exception
    /// (thrown by the watch), or complete the writer (watch closed by the server).</summary>
    public ChannelWriter<object> NextWatch()
    {
        var channel = Channel.CreateUnbounded<object>();
        watches.Writer.TryWrite(channel);
        return channel.Writer;
    }

    public Task<EntityListResult<T>> ListAsync(string? @namespace, CancellationToken ct)
    {
        Interlocked.Increment(ref listCalls);
        if (!lists.TryDequeue(out var next))
        {
            return Task.FromException<EntityListResult<T>>(new InvalidOperationException("no list scripted"));
        }

        return FilterListsByNamespace && @namespace is not null
            ? Task.Run(() => next() is var list ? list with { Items = [.. all.Where(i => i.Metadata.NamespaceProperty == @namespace)] } : list, ct)
            : Task.Run(next, ct);
    }

    public async IAsyncEnumerable<EntityWatchEvent<T>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken ct)
    {
        WatchCalls.Enqueue((@namespace, resourceVersion));
        var channel = await watches.Reader.ReadAsync(ct);
        await foreach (var item in channel.Reader.ReadAllAsync(ct))
        {
            if (item is Exception ex)
            {
                throw ex;
            }

            yield return (EntityWatchEvent<T>)item;
        }
    }
}
