namespace NorthflankSimulator.State;

/// <summary>One line of get-service-logs.md's answer: the container it came from, the line, and when.</summary>
internal sealed record LogLine(string ContainerId, string Log, DateTimeOffset Ts);

/// <summary>
/// The container log lines of a simulated service. Simulated containers run no image, so the simulator makes lines
/// up: each container of a deployment with instances logs when it is scheduled, starting and running (or why it
/// failed), a heartbeat every <see cref="LogOptions.HeartbeatInterval"/> while it runs, and that it stops when the
/// next deployment replaces it. Like deployment states (DeploymentStateMachine) the lines are derived from the
/// deployment history and the clock, not written by timers: a fake clock yields them exactly, and nothing is stored.
/// The text follows get-service-logs.md's example (<c>stdout F This is a log line</c>, the container runtime's
/// stream and full-line flag before the text).
/// </summary>
internal static class ServiceLogs
{
    /// <summary>Lines with <paramref name="after"/> &lt; ts &lt;= <paramref name="until"/>, oldest first.</summary>
    public static List<LogLine> Between(
        ServiceRecord service, DateTimeOffset after, DateTimeOffset until, DeploymentOptions timing, TimeSpan heartbeat)
    {
        var lines = new List<(LogLine Line, int Order)>();
        var deployments = service.Deployments;
        for (var i = 0; i < deployments.Count; i++)
        {
            var deployment = deployments[i];
            if (deployment.Instances == 0)
            {
                continue;
            }

            DateTimeOffset? replacedAt = i + 1 < deployments.Count ? deployments[i + 1].StartedAt : null;
            var events = Events(service, deployment, replacedAt, after, until, timing, heartbeat);
            foreach (var container in ContainerStates.Names(service, deployment.Number, deployment.Instances))
            {
                lines.AddRange(events.Select((e, order) => (new LogLine(container, e.Text, e.At), order)));
            }
        }

        return [.. lines
            .OrderBy(l => l.Line.Ts)
            .ThenBy(l => l.Line.ContainerId, StringComparer.Ordinal)
            .ThenBy(l => l.Order)
            .Select(l => l.Line)];
    }

    private static List<(DateTimeOffset At, string Text)> Events(
        ServiceRecord service, DeploymentRecord deployment, DateTimeOffset? replacedAt,
        DateTimeOffset after, DateTimeOffset until, DeploymentOptions timing, TimeSpan heartbeat)
    {
        var startingAt = deployment.StartedAt + timing.PendingDuration;
        var finishedAt = startingAt + timing.InProgressDuration;
        var reason = deployment.Reason == DeploymentReason.Scaling ? "SCALING" : "DEPLOYING";
        var events = new List<(DateTimeOffset At, string Text)>
        {
            (deployment.StartedAt, $"stdout F Container scheduled for deployment {deployment.Number} ({reason})"),
            (startingAt, "stdout F Container starting"),
            (finishedAt, deployment.FailureMessage is { } failure ? $"stderr F {failure}" : "stdout F Container running"),
        };

        if (deployment.FailureMessage is null)
        {
            // Only the heartbeats inside the window are enumerated, so a long-lived service costs nothing extra.
            var first = after < finishedAt ? 1 : ((after - finishedAt).Ticks / heartbeat.Ticks) + 1;
            for (var k = first; ; k++)
            {
                var at = finishedAt + TimeSpan.FromTicks(heartbeat.Ticks * k);
                if (at > until || (replacedAt is { } end && at >= end))
                {
                    break;
                }

                events.Add((at, $"stdout F heartbeat: {service.Id} is running"));
            }
        }

        if (replacedAt is { } replaced)
        {
            events.RemoveAll(e => e.At >= replaced);
            events.Add((replaced, "stdout F Container stopping: replaced by the next deployment"));
        }

        return [.. events.Where(e => e.At > after && e.At <= until)];
    }
}
