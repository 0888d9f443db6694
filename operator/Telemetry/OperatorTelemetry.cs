namespace SandboxOperator.Telemetry;

/// <summary>
/// The one name under which the operator exports its metrics and traces: the controller runtime's (which the operator
/// names so, see <c>OperatorServices</c>), the Northflank client's and the Sandboxes'.
/// </summary>
public static class OperatorTelemetry
{
    public const string Name = "SandboxOperator";
}
