using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// Reached connections for the planner's tests: the planner reads their target and desired state only, so the client
/// bound to them is one that answers nothing and an external that fails the test if it is ever called.
/// </summary>
internal static class PlannedConnections
{
    private static readonly NorthflankToken Token = new("planner-test-token");

    public static Connection.Live Live(DesiredState desired) => new(desired.Target, Use(), Token, new Untouched(), desired);

    public static Connection.Deleting Deleting(SandboxTarget target) => new(target, Use(), Token, new Untouched());

    private static TokenUse Use() => new(new ListOnlyApi(), null, new TokenLanes(1, new FakeTimeProvider(), _ => { }), Token.Fingerprint);

    private sealed class Untouched : ISandboxExternal
    {
        public Task<ExternalResult> ObserveAsync(Look look, CancellationToken ct) => throw Called();

        public Task<ExternalResult> CreateAsync(DesiredState desired, Observation observed, CancellationToken ct) => throw Called();

        public Task<ExternalResult> UpdateAsync(DesiredState desired, Observation observed, CancellationToken ct) => throw Called();

        public Task<ExternalResult> AddVolumeAsync(DesiredState desired, Observation observed, CancellationToken ct) => throw Called();

        public Task<ExternalResult> PauseAsync(Observation observed, CancellationToken ct) => throw Called();

        public Task<ExternalResult> ResumeAsync(DesiredState desired, Observation observed, CancellationToken ct) => throw Called();

        public Task<ExternalResult> DeleteAsync(Observation observed, CancellationToken ct) => throw Called();

        public Task<ExternalResult> ReleaseAsync(Observation observed, CancellationToken ct) => throw Called();

        public bool DeleteConfirmed(DateTimeOffset sentAt) => throw Called();

        private static InvalidOperationException Called() => new("the planner decides without calling Northflank");
    }
}
