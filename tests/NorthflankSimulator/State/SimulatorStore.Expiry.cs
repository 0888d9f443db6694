namespace NorthflankSimulator.State;

internal sealed partial class SimulatorStore
{
    /// <summary>
    /// Brings expiries up to the clock, as if timers had fired when they were due: at <c>ExpiresAt</c> the service is
    /// paused (a SCALING deployment starting then), <see cref="SimulatorOptions.ScheduledDeletionDelay"/> later it is
    /// deleted with its attached volumes. Called under the lock on every way in, so nothing sees a stale state.
    /// </summary>
    private void ApplyExpiries()
    {
        var now = Now;
        var delay = options.ScheduledDeletionDelay;
        foreach (var project in projects.Values)
        {
            foreach (var service in project.Services.Values.Where(s => s.ExpiresAt is not null).ToList())
            {
                if (ExpiryStateMachine.IsDueForDeletion(service.ExpiresAt, now, delay))
                {
                    // Expiries are applied when something next looks, so the deletion is dated when it was due.
                    RemoveService(project, service.Id, deleteChildObjects: true, service.ExpiresAt!.Value + delay);
                }
                else if (!service.ExpiryApplied && ExpiryStateMachine.HasExpired(service.ExpiresAt, now))
                {
                    service.ExpiryApplied = true;
                    if (!service.Paused)
                    {
                        PauseNow(service, service.ExpiresAt!.Value);
                    }
                }
            }
        }
    }
}
