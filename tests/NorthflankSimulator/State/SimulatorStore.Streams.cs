namespace NorthflankSimulator.State;

/// <summary>What an exec runs against: the container it picked and the service's runtime environment.</summary>
internal sealed record ExecTarget(string ContainerName, IReadOnlyDictionary<string, string> Environment);

/// <summary>The state behind the streaming endpoints: made-up container logs and the containers an exec may enter.</summary>
internal sealed partial class SimulatorStore
{
    /// <summary>
    /// Called (under the store's lock: keep it quick, never call back) with project and service id whenever a service
    /// goes: DELETE, its project's delete, expiry, or a reset. The exec workspaces use it to end sessions and delete
    /// the service's directory.
    /// </summary>
    public Action<string, string>? ServiceRemoved { get; set; }

    public DateTimeOffset CurrentTime => Now;

    /// <summary>get-service-logs.md: the service's container log lines with <paramref name="after"/> &lt; ts &lt;= <paramref name="until"/>.</summary>
    public List<LogLine> ServiceLogLines(string projectId, string serviceId, DateTimeOffset after, DateTimeOffset until)
    {
        using (Enter())
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            return ServiceLogs.Between(service, after, until, Timing, options.Logs.HeartbeatInterval);
        }
    }

    /// <summary>
    /// execute-command.md: "You can only access the shell and execute commands on a running service", in the named
    /// container or "a running container … at random" (the simulator takes the first by name, to be reproducible).
    /// A service with no running container (paused, 0 instances, or its deployment not COMPLETED) is a 409.
    /// </summary>
    public ExecTarget ExecTarget(string projectId, string serviceId, string? containerName)
    {
        using (Enter())
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            var running = ContainerStates.Of(service, StatusOf(service))
                .Where(c => c.Status == "TASK_RUNNING")
                .Select(c => c.Name)
                .ToList();
            if (running.Count == 0)
            {
                var why = service.Paused ? "it is paused" : service.Instances == 0 ? "it has 0 instances" : $"its deployment is {StatusOf(service).PhaseName}";
                throw ApiException.Conflict($"Service '{serviceId}' has no running container to execute the command in: {why}");
            }

            if (containerName is not null && !running.Contains(containerName, StringComparer.Ordinal))
            {
                throw ApiException.NotFound("running container", containerName);
            }

            return new ExecTarget(containerName ?? running[0], new Dictionary<string, string>(service.Environment, StringComparer.Ordinal));
        }
    }

    private void NotifyRemoved(string projectId, string serviceId) => ServiceRemoved?.Invoke(projectId, serviceId);
}
