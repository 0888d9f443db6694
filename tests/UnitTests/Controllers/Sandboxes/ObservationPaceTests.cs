using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.FlowControl;

namespace UnitTests.Controllers.Sandboxes;

public class ObservationPaceTests
{
    private static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(750);

    [TestCase(1, null, 0.75)]
    [TestCase(0, null, 0.75)]
    [TestCase(100, null, 50.0)]
    [TestCase(3, null, 1.5)]
    [TestCase(1, 4.0, 16.0)]
    [TestCase(100, 0.01, 50.0)]
    public void The_gap_to_a_projects_next_round_follows_what_its_last_round_cost(int calls, double? pacedSeconds, double expectedSeconds)
    {
        var gap = ObservationPace.Gap(calls, Floor, 2, pacedSeconds is { } p ? TimeSpan.FromSeconds(p) : null, RequestBudget.ConfirmShare);

        Assert.That(gap.TotalSeconds, Is.EqualTo(expectedSeconds).Within(1e-9));
    }
}
