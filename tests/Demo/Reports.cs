using System.Text.Json;
using NorthflankSimulator.Inspection;

namespace Demo;

/// <summary>Turns what the simulator and the operator hold into a few lines a person can read at a glance.</summary>
internal static class Reports
{
    /// <summary>One line per service and per volume, ids aligned.</summary>
    public static string Northflank(SimulatorStateSnapshot state)
    {
        var width = state.Services.Select(s => s.Id.Length).Concat(state.Volumes.Select(v => v.Id.Length)).DefaultIfEmpty(0).Max();
        var services = state.Services.Select(s =>
            $"service {s.Id.PadRight(width)}  {s.Status,-10} {(s.Paused ? "paused" : "running"),-7}  instances={s.Instances}  " +
            $"plan={s.DeploymentPlan}  image={s.ImagePath}" +
            (s.Ports.Count == 0 ? "" : $"  ports={string.Join(',', s.Ports.Select(p => $"{p.Name}:{p.InternalPort}{(p.Public ? "(public)" : "")}"))}") +
            (s.EnvironmentNames.Count == 0 ? "" : $"  env={string.Join(',', s.EnvironmentNames)}"));
        var volumes = state.Volumes.Select(v =>
            $"volume  {v.Id.PadRight(width)}  {v.StorageSize} MB {v.AccessMode}, attached to {string.Join(',', v.AttachedServices)}");
        return string.Join('\n', services.Concat(volumes));
    }

    /// <summary>The operator's JSON log lines as "time level category: message", the way a person reads a log.</summary>
    public static string OperatorLog(string jsonLines) =>
        string.Join('\n', jsonLines.Split('\n').Select(line =>
        {
            try
            {
                using var entry = JsonDocument.Parse(line);
                var root = entry.RootElement;
                var exception = root.TryGetProperty("Exception", out var e) ? $"\n    {e.GetString()}" : "";
                return $"{root.GetProperty("Timestamp").GetString()} {root.GetProperty("LogLevel").GetString()} " +
                    $"{root.GetProperty("Category").GetString()}: {root.GetProperty("Message").GetString()}{exception}";
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return line; // not a JSON log entry (e.g. a crash message from the runtime): show it as it is
            }
        }));

    /// <summary>"1 volume", "2 volumes", "3 Sandboxes".</summary>
    public static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : noun.EndsWith('x') ? "es" : "s")}";
}
