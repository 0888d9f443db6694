using k8s.Models;

namespace SandboxOperator.Controllers.Common;

public static class Conditions
{
    /// <summary>
    /// Sets a condition as Kubernetes expects: lastTransitionTime moves only when the status flips, so watchers
    /// can tell a change from a refresh.
    /// </summary>
    public static List<V1Condition> With(IEnumerable<V1Condition>? existing, string type, ConditionVerdict verdict, long? generation, DateTimeOffset now)
    {
        var list = existing?.Select(Clone).ToList() ?? [];
        var current = list.Find(c => c.Type == type);
        var transition = current is not null && current.Status == verdict.Status ? current.LastTransitionTime : now.UtcDateTime;
        list.RemoveAll(c => c.Type == type);
        list.Add(new V1Condition
        {
            Type = type,
            Status = verdict.Status,
            Reason = verdict.Reason,
            Message = verdict.Message,
            ObservedGeneration = generation,
            LastTransitionTime = transition,
        });
        return list.OrderBy(c => c.Type, StringComparer.Ordinal).ToList();
    }

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) => conditions?.FirstOrDefault(c => c.Type == type);

    private static V1Condition Clone(V1Condition c) => new()
    {
        Type = c.Type,
        Status = c.Status,
        Reason = c.Reason,
        Message = c.Message,
        ObservedGeneration = c.ObservedGeneration,
        LastTransitionTime = c.LastTransitionTime,
    };
}
