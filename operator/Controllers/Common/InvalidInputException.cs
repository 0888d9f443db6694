namespace SandboxOperator.Controllers.Common;

/// <summary>A problem only a change of spec or of a referenced object can fix: shown in Synced=False, not retried hot.</summary>
public sealed class InvalidInputException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
