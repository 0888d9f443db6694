namespace NorthflankSimulator.Inspection;

/// <summary>Sums over the request log that scale tests and benchmarks report or assert on.</summary>
public static class RequestStatistics
{
    /// <summary>
    /// The most requests in any span of clock time <paramref name="window"/> long (sliding, both ends inclusive of
    /// the first request). Stricter than the simulator's own fixed windows, which could split a burst in two: a
    /// client that stays under the limit here stays under it however the windows fall.
    /// </summary>
    public static int MaxInAnyWindow(IEnumerable<RequestRecord> requests, TimeSpan window)
    {
        var times = requests.Select(r => r.Time).Order().ToList();
        var most = 0;
        var start = 0;
        for (var end = 0; end < times.Count; end++)
        {
            while (times[end] - times[start] >= window)
            {
                start++;
            }

            most = Math.Max(most, end - start + 1);
        }

        return most;
    }

    /// <summary>Requests whose time lies in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static int CountBetween(IEnumerable<RequestRecord> requests, DateTimeOffset from, DateTimeOffset to) =>
        requests.Count(r => r.Time >= from && r.Time < to);
}
