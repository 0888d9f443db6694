using System.Globalization;

namespace TestInfra;

/// <summary>CPU time of a process from Linux's /proc, for benchmarks that report what a server spent on some work.</summary>
public static class ProcessCpu
{
    /// <summary>
    /// Linux's USER_HZ, the unit of /proc/&lt;pid&gt;/stat's times: 100 on every architecture .NET runs on (the kernel
    /// fixes it for user space whatever its own tick rate).
    /// </summary>
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU seconds the process has used so far, or null when it is gone.</summary>
    public static double? Seconds(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>utime + stime of one /proc/&lt;pid&gt;/stat line, in seconds; null when the line is not one.</summary>
    public static double? Parse(string stat)
    {
        // "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so count fields after the last ')'.
        var close = stat.LastIndexOf(')');
        var fields = close < 0 ? [] : stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After comm: state is field 3 of the line, utime field 14 and stime field 15.
        return fields.Length > 12
            && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? (user + system) / TicksPerSecond
            : null;
    }
}
