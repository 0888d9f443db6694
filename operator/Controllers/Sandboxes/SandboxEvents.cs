using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>Events as the Sandbox planner decides them, recorded through the common writer.</summary>
public static class SandboxEvents
{
    public static void Record(this IStatusWriter<Sandbox, SandboxStatus> writer, Sandbox sandbox, SandboxEvent sandboxEvent) =>
        writer.Record(sandbox, sandboxEvent.Warning, sandboxEvent.Reason, sandboxEvent.Message);
}
