namespace SandboxOperator.Controllers.Common;

/// <summary>A condition's verdict before it is stamped with generation and time.</summary>
public sealed record ConditionVerdict(string Status, string Reason, string Message)
{
    public static ConditionVerdict True(string reason, string message) => new("True", reason, message);

    public static ConditionVerdict False(string reason, string message) => new("False", reason, message);

    public bool IsTrue => Status == "True";
}
