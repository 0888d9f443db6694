using ControllerRuntime;

namespace SandboxOperator.Controllers.Common.Setup;

/// <summary>The one place a reconciler's <see cref="ReconcileOutcome"/> becomes the runtime's <see cref="ReconcileResult"/>.</summary>
public static class Outcomes
{
    public static ReconcileResult ToResult(this ReconcileOutcome outcome) => outcome switch
    {
        { Error: { } error } => ReconcileResult.Failure(error, outcome.RetryAfter),
        { RequeueAfter: { } after } => ReconcileResult.Requeue(after),
        _ => ReconcileResult.Success(),
    };
}
