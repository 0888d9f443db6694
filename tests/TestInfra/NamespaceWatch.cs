using ControllerRuntime;
using k8s;
using k8s.Models;

namespace TestInfra;

/// <summary>
/// The loop the tests' watchers share: list one namespace, watch from the list's version, and when the watch ends for any
/// reason list again, until cancelled. Nothing that uses it depends on every intermediate state of an object that is
/// unchanged across the gap.
/// </summary>
public static class NamespaceWatch
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <param name="listed">Every list's items (to observe each, and to find what went while the watch was down).</param>
    /// <param name="changed">Every watch event.</param>
    public static async Task RunAsync<T>(
        IListWatch<T> source, string @namespace, Action<IReadOnlyList<T>> listed, Action<WatchEventType, T> changed, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await source.ListAsync(@namespace, ct);
                listed(list.Items);
                await foreach (var change in source.WatchAsync(@namespace, list.ResourceVersion, ct))
                {
                    changed(change.Type, change.Object);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await Task.Delay(RetryDelay, ct);
            }
        }
    }
}
