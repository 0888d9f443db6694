namespace TestInfra;

public sealed partial class OperatorProcess
{
    /// <summary>CPU seconds (user + system) the operator's dotnet process has used so far; null when it is not running.</summary>
    public double? CpuSeconds() =>
        ProcessMemory.FindInGroup(process.ProcessGroupId, "dotnet") is { } pid ? ProcessCpu.Seconds(pid) : null;
}
