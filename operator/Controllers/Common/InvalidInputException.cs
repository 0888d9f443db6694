namespace SandboxOperator.Controllers.Common;

/// <summary>A problem only a change of spec or of a referenced object can fix: shown in Synced=False, not retried hot.</summary>
public sealed class InvalidInputException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;

    /// <summary>
    /// The problem says nothing about the service the Sandbox runs (its template is gone for a while): Synced=False, and
    /// Ready goes on saying whether the service runs this generation's spec.
    /// </summary>
    public bool ServiceUnaffected { get; init; }
}
