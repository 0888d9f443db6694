using Microsoft.Extensions.Logging;

namespace ControllerRuntime;

/// <summary>
/// Runs the <see cref="ILeaderRunnable"/>s for as long as the host leads: each on a token that is cancelled when the
/// host stops leading or stops, and the moment the <see cref="ILeadershipFence"/> closes (not only once the host has
/// noticed), so a deposed leader's sweep stops with its reconciles. One that throws is started again with backoff.
/// </summary>
internal sealed class LeaderRunnables(IEnumerable<ILeaderRunnable> runnables, ILeadershipFence fence, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    public async Task RunAsync(CancellationToken ct)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct, fence.Token);
        await Task.WhenAll(runnables.Select(r => Task.Run(() => RunOneAsync(r, leading.Token), CancellationToken.None)));
    }

    private async Task RunOneAsync(ILeaderRunnable runnable, CancellationToken ct)
    {
        var name = runnable.GetType().Name;
        logger.LogInformation("Starting leader runnable {Runnable}", name);
        for (var attempt = 0; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await runnable.RunAsync(ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                var delay = Backoff.Exponential(BaseDelay, MaxDelay, attempt, 0.1);
                logger.LogError("Leader runnable {Runnable} failed, restarting in {Delay}: {ErrorType}: {Message}", name, delay, ex.GetType().Name, ex.Message);
                await Task.Delay(delay, time, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        logger.LogInformation("Leader runnable {Runnable} stopped", name);
    }
}
