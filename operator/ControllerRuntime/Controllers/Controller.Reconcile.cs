using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControllerRuntime;

/// <summary>
/// One reconcile of one key: the newest cached object goes to the finalizers (once it is being deleted, until each
/// removed its identifier) or, with its finalizers in place, to the controller; the result decides how the key goes back
/// into the queue. A key gone from the cache gets <see cref="IEntityController{TEntity}.DeletedAsync"/> with its last state.
/// </summary>
public sealed partial class Controller<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private async Task<string> ProcessCoreAsync(ObjectKey key, CancellationToken ct)
    {
        if (!Informer.Store.TryGet(key, out var cached))
        {
            if (tombstones.TryRemove(key, out var last))
            {
                await using var deletedScope = scopes.CreateAsyncScope();
                var deletedController = deletedScope.ServiceProvider.GetRequiredService<IEntityController<TEntity>>();
                logger.LogDebug("{Key} is gone; calling DeletedAsync", key);
                await deletedController.DeletedAsync(Clone(last), ct);
            }

            Queue.Forget(key);
            return ControllerTelemetry.ResultSuccess;
        }

        // Hand the user code its own copy: the cached object is shared with the informer.
        var entity = Clone(cached);
        await using var scope = scopes.CreateAsyncScope();
        var finalizers = scope.ServiceProvider.GetServices<IEntityFinalizer<TEntity>>().ToList();

        if (entity.Metadata.DeletionTimestamp is not null)
        {
            var pending = finalizers.Where(f => entity.Metadata.Finalizers?.Contains(f.Identifier) == true).ToList();
            foreach (var finalizer in pending)
            {
                logger.LogDebug("Finalizing {Key} with {Finalizer}", key, finalizer.Identifier);
                var finalized = await finalizer.FinalizeAsync(entity, ct);
                if (!finalized.IsSuccess || finalized.RequeueAfter is not null)
                {
                    return Apply(key, finalized);
                }

                entity = await RemoveFinalizerAsync(entity, finalizer.Identifier, ct);
            }

            Queue.Forget(key);
            return ControllerTelemetry.ResultSuccess;
        }

        var missing = finalizers.Select(f => f.Identifier)
            .Where(id => entity.Metadata.Finalizers?.Contains(id) != true)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (missing.Count > 0)
        {
            // The finalizer must be in place before the controller creates anything outside the cluster.
            logger.LogDebug("Adding finalizers {Finalizers} to {Key}", string.Join(",", missing), key);
            entity = await client.PatchAsync(key.Name, key.Namespace, FinalizerPatches.Add(entity, missing), ct);
        }

        var controller = scope.ServiceProvider.GetRequiredService<IEntityController<TEntity>>();
        var result = await controller.ReconcileAsync(entity, ct);
        return Apply(key, result);
    }

    private async Task<TEntity> RemoveFinalizerAsync(TEntity entity, string identifier, CancellationToken ct)
    {
        var patch = FinalizerPatches.Remove(entity, identifier);
        if (patch is null)
        {
            return entity;
        }

        var key = ObjectKey.Of(entity);
        try
        {
            return await client.PatchAsync(key.Name, key.Namespace, patch, ct);
        }
        catch (Exception ex) when (KubernetesErrors.IsNotFound(ex))
        {
            return entity;
        }
        catch (Exception ex) when (KubernetesErrors.StatusCode(ex) == HttpStatusCode.UnprocessableEntity)
        {
            // The test op failed: someone changed the finalizers meanwhile. Same as a conflict: retry on fresh data.
            throw new ConflictException("Finalizers changed concurrently.", ex);
        }
    }

    private string Apply(ObjectKey key, ReconcileResult result)
    {
        if (!result.IsSuccess)
        {
            return HandleFailure(key, result.Error!, result.RetryAfter);
        }

        Queue.Forget(key);
        if (result.RequeueAfter is { } after)
        {
            Queue.AddAfter(key, after);
            return ControllerTelemetry.ResultRequeue;
        }

        return ControllerTelemetry.ResultSuccess;
    }

    private string HandleFailure(ObjectKey key, Exception error, TimeSpan? retryAfter)
    {
        if (error is ConflictException || KubernetesErrors.IsConflict(error))
        {
            var conflictDelay = Queue.AddRateLimited(key, retryAfter);
            logger.LogDebug("Conflict reconciling {Key}; retrying in {Delay}", key, conflictDelay);
            return ControllerTelemetry.ResultRequeue;
        }

        var delay = Queue.AddRateLimited(key, retryAfter);
        // Type and message only: objects and inner state may carry secrets.
        logger.LogWarning("Reconcile of {Key} failed, retrying in {Delay}: {ErrorType}: {Message}", key, delay, error.GetType().Name, error.Message);
        return ControllerTelemetry.ResultError;
    }

    private static TEntity Clone(TEntity entity) =>
        KubernetesJson.Deserialize<TEntity>(KubernetesJson.Serialize(entity));
}
