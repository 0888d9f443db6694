using TestInfra;

namespace Benchmarks;

/// <summary>
/// Adds up the operator's CPU time over the stretches the Kubernetes side runs (between <see cref="Start"/> and
/// <see cref="Stop"/>), so the direct side's turns, when the operator idles, are not counted. Null once a read failed.
/// </summary>
internal sealed class CpuMeter(OperatorProcess operatorProcess)
{
    private double? total = 0;
    private double? startedAt;

    public void Start() => startedAt = operatorProcess.CpuSeconds();

    public void Stop() => total = operatorProcess.CpuSeconds() - startedAt + total;

    /// <summary>The sum so far; starts a new one.</summary>
    public double? Take()
    {
        var sum = total;
        total = 0;
        return sum;
    }
}
