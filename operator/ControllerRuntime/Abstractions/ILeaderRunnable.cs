namespace ControllerRuntime;

/// <summary>
/// Work only the leader may do that reconciles no key (controller-runtime's Runnable with NeedLeaderElection true):
/// for example a periodic sweep of an external system. Register it with
/// <see cref="OperatorRuntimeBuilder.AddLeaderRunnable{TRunnable}"/>. The host starts it when this replica starts
/// leading (at once when leader election is off), next to the controllers, and cancels its token as soon as leadership
/// is lost or the host stops. If it throws it is started again, with backoff; if it returns it is done.
/// </summary>
public interface ILeaderRunnable
{
    Task RunAsync(CancellationToken ct);
}
