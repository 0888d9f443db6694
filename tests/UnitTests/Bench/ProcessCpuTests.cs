using TestInfra;

namespace UnitTests.Bench;

/// <summary>CPU time from /proc/&lt;pid&gt;/stat, as the benchmarks read a server's.</summary>
public sealed class ProcessCpuTests
{
    [Test]
    public void User_and_system_ticks_are_added_in_seconds_whatever_the_command_is_called()
    {
        // utime 250 and stime 50 ticks (fields 14 and 15), behind a command name with spaces and a parenthesis.
        const string stat = "4242 (dotnet (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 1000 50";

        Assert.Multiple(() =>
        {
            Assert.That(ProcessCpu.Parse(stat), Is.EqualTo(3.0).Within(1e-9));
            Assert.That(ProcessCpu.Parse("4242 (dotnet) S 1 2"), Is.Null, "too short");
            Assert.That(ProcessCpu.Parse("no command here"), Is.Null);
        });
    }

    [Test]
    public void This_process_has_a_cpu_time_and_a_process_that_is_gone_has_none()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ProcessCpu.Seconds(Environment.ProcessId), Is.Not.Null.And.GreaterThanOrEqualTo(0));
            Assert.That(ProcessCpu.Seconds(int.MaxValue), Is.Null);
        });
    }
}
