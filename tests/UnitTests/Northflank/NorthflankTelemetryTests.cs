using System.Diagnostics.Metrics;
using NUnit.Framework;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

/// <summary>The client's histograms are in seconds, so their buckets must be too.</summary>
public sealed class NorthflankTelemetryTests
{
    private static IEnumerable<TestCaseData> SecondsHistograms()
    {
        yield return new TestCaseData(NorthflankTelemetry.RequestDuration).SetArgDisplayNames("request duration");
        yield return new TestCaseData(BudgetTelemetry.BudgetWait).SetArgDisplayNames("budget wait");
    }

    [TestCaseSource(nameof(SecondsHistograms))]
    public void A_histogram_in_seconds_tells_sub_second_answers_apart(Histogram<double> histogram)
    {
        Assert.That(histogram.Unit, Is.EqualTo("s"));
        var bounds = histogram.Advice?.HistogramBucketBoundaries;
        Assert.That(bounds, Is.Not.Null, "without advice the SDK's millisecond defaults apply");
        Assert.That(bounds!.Count(b => b < 1), Is.GreaterThanOrEqualTo(5), "a fast answer and a slow one fall in different buckets");
        Assert.That(bounds!, Is.Ordered.Ascending);
        Assert.That(bounds!.Last(), Is.GreaterThanOrEqualTo(300), "a budget wait paced over minutes is not all in +Inf");
    }
}
