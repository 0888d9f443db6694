namespace TestInfra;

/// <summary>The control plane did not start; the message carries the tail of the failing server's log.</summary>
public sealed class LocalControlPlaneException : Exception
{
    public LocalControlPlaneException(string message)
        : base(message)
    {
    }

    public LocalControlPlaneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
