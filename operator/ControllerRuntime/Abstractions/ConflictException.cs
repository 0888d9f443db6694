namespace ControllerRuntime;

/// <summary>A write lost a race with another writer; the runtime retries quietly with backoff.</summary>
public sealed class ConflictException : Exception
{
    public ConflictException()
    {
    }

    public ConflictException(string message)
        : base(message)
    {
    }

    public ConflictException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
