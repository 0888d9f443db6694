using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;

namespace UnitTests.Northflank;

/// <summary>The gate a wire client under test passes: the budget (and circuit) given, with the options' bounds, as the factory builds it.</summary>
internal static class TestGate
{
    public static TokenGate Of(NorthflankClientOptions options, RequestBudget budget, TokenCircuit? circuit = null) =>
        new(budget, circuit, options.MaxBudgetWait, options.ThrottlePauseWithoutRetryAfter);
}
