using NorthflankSimulator.Inspection;

namespace UnitTests.Simulator;

public sealed class RequestStatisticsTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RequestRecord At(double seconds) => new(T0.AddSeconds(seconds), "GET", "/v1/x", "/v1/x", 200, null, null);

    [Test]
    public void The_busiest_window_is_found_wherever_it_falls()
    {
        // 3 requests late in one minute and 3 early in the next: fixed minute windows see 3 each, a sliding one 6.
        var requests = new[] { At(50), At(55), At(59), At(61), At(62), At(65), At(200) };

        Assert.That(RequestStatistics.MaxInAnyWindow(requests, TimeSpan.FromMinutes(1)), Is.EqualTo(6));
        Assert.That(RequestStatistics.MaxInAnyWindow(requests, TimeSpan.FromSeconds(5)), Is.EqualTo(3));
    }

    [Test]
    public void Requests_exactly_a_window_apart_are_in_different_windows()
    {
        Assert.That(RequestStatistics.MaxInAnyWindow([At(0), At(60)], TimeSpan.FromMinutes(1)), Is.EqualTo(1));
        Assert.That(RequestStatistics.MaxInAnyWindow([], TimeSpan.FromMinutes(1)), Is.Zero);
    }

    [Test]
    public void Count_between_includes_the_start_and_excludes_the_end()
    {
        Assert.That(RequestStatistics.CountBetween([At(0), At(1), At(2)], T0, T0.AddSeconds(2)), Is.EqualTo(2));
    }

    [Test]
    public void Fixed_windows_open_at_the_first_request_after_the_last_one_ended_and_a_burst_across_a_reset_counts_in_two()
    {
        // Window one opens at 0 s (0, 50, 59); window two at 60 s (60, 61, 70); 120 opens a third.
        RequestRecord[] requests = [At(0), At(50), At(59), At(60), At(61), At(70), At(120)];

        Assert.Multiple(() =>
        {
            Assert.That(RequestStatistics.MaxInFixedWindows(requests, TimeSpan.FromMinutes(1)), Is.EqualTo(3));
            Assert.That(RequestStatistics.MaxInAnyWindow(requests, TimeSpan.FromMinutes(1)), Is.EqualTo(5), "50 s to 70 s spans the reset");
            Assert.That(RequestStatistics.MaxInFixedWindows([], TimeSpan.FromMinutes(1)), Is.Zero);
        });
    }
}
