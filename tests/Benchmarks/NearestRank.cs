namespace Benchmarks;

/// <summary>Percentiles as the benchmark reports them.</summary>
internal static class NearestRank
{
    /// <summary>Nearest-rank percentile (always a measured value, never interpolated); NaN when nothing was measured.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
