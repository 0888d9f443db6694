namespace ControllerRuntime.Tests;

/// <summary>Waits (briefly, polling every few ms) for state that background tasks reach on their own.</summary>
internal static class Eventually
{
    /// <param name="tick">Run between checks, e.g. to advance a fake clock.</param>
    public static async Task True(Func<bool> condition, Action? tick = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("condition not reached");
            }

            tick?.Invoke();
            await Task.Delay(5);
        }
    }
}
