namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// How long the progress watch leaves a project before its next round, from what the last round cost: observation is
/// priced by what it reads, so it slows down when reading is dear instead of starving the writes that share the budget.
/// <para>
/// <c>gap = max(floor, calls / rate, calls × share × paced)</c>, where <c>calls</c> is what the last round cost (a list's
/// pages, or a GET per waiting service, whichever was fewer), <c>floor</c> the poll interval, <c>rate</c> the most
/// observation calls a second the token's projects may take together, and <c>paced</c> the time between two calls while
/// the token's window is in its reserve (null while calls go freely).
/// </para>
/// <list type="bullet">
/// <item>A small project (one page) is read every <c>floor</c> (<see cref="Floor"/>): Ready follows a deployment by at most one interval.</item>
/// <item>A big project is read as often as the rate pays for: 100 changing in a project of 10 000 cost 100 calls either
/// way, so at 2 calls a second one round every 50 s, not one a second (100 calls a second, the whole of a 20 000 an hour
/// limit five times over).</item>
/// <item>While the window is paced, observation takes at most one call in <c>share</c> of the pace, so creates and deletes
/// arriving meanwhile find the budget's next slots free.</item>
/// </list>
/// </summary>
public static class ObservationPace
{
    /// <summary>Waiting Sandboxes from which a project counts as crowded (see <see cref="Floor"/>).</summary>
    public const int CrowdedWaiters = 20;

    /// <summary>
    /// The shortest gap between two rounds of a project: the poll interval, or two thirds of it (0.5 s at the default
    /// 0.75 s) where <see cref="CrowdedWaiters"/> or more Sandboxes wait. A round's list serves every waiting Sandbox of
    /// the project, so a burst of a hundred pays a hundredth of a call each for the shorter wait, and Ready follows a
    /// deployment sooner; a lone Sandbox keeps the longer gap, since it alone pays for every list while it deploys. The
    /// observation rate (<c>calls / rate</c> in <see cref="Gap"/>) still bounds it.
    /// </summary>
    public static TimeSpan Floor(int waiting, TimeSpan interval) => waiting >= CrowdedWaiters ? interval * 2 / 3 : interval;

    public static TimeSpan Gap(int calls, TimeSpan floor, double callsPerSecond, TimeSpan? paced, int share)
    {
        if (calls <= 0)
        {
            return floor;
        }

        var byRate = callsPerSecond > 0 ? TimeSpan.FromSeconds(calls / callsPerSecond) : TimeSpan.Zero;
        var byWindow = paced is { } interval ? interval * calls * share : TimeSpan.Zero;
        return Max(floor, Max(byRate, byWindow));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
