namespace ControllerRuntime;

public sealed record WorkQueueOptions
{
    /// <summary>Name used in metrics (the controller's name).</summary>
    public string Name { get; init; } = "default";

    /// <summary>Backoff after the first failure of an item; doubles per further failure.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Relative jitter of the backoff, 0..1 (0.1 = ±10 %).</summary>
    public double Jitter { get; init; } = 0.1;
}
