namespace SandboxOperator.Controllers.Common;

/// <summary>
/// The API server refused to create or change a Sandbox (400 or 422: the object is invalid, e.g. a label it does not
/// allow). Sending it again changes nothing: the object that asked for the Sandbox (a claim, a pool) says so in its
/// condition and is retried slowly, until its own spec changes. The message is the API server's, which names the field.
/// </summary>
public sealed class SandboxRefusedException(string message) : Exception(message)
{
    /// <summary>The reason of the Ready condition (and the Warning event) of the object whose Sandbox was refused.</summary>
    public const string Reason = "SandboxRefused";
}
