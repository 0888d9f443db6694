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

    /// <summary>
    /// The most requests in one of the windows Northflank (and the simulator) counts: a window opens at the first
    /// request and lasts <paramref name="window"/>; the next opens at the first request after it ended. A client that
    /// spends each window up to the limit, as the operator's budget does by design, stays under the limit here, though
    /// a sliding span across a reset (<see cref="MaxInAnyWindow"/>) may hold up to twice the limit.
    /// </summary>
    public static int MaxInFixedWindows(IEnumerable<RequestRecord> requests, TimeSpan window)
    {
        var most = 0;
        var count = 0;
        DateTimeOffset? opened = null;
        foreach (var time in requests.Select(r => r.Time).Order())
        {
            if (opened is not { } start || time >= start + window)
            {
                opened = time;
                count = 0;
            }

            most = Math.Max(most, ++count);
        }

        return most;
    }

    /// <summary>Requests whose time lies in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static int CountBetween(IEnumerable<RequestRecord> requests, DateTimeOffset from, DateTimeOffset to) =>
        requests.Count(r => r.Time >= from && r.Time < to);
}
