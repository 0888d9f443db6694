using k8s.Models;
using SandboxOperator.Api.V1Alpha1;

namespace UnitTests.Controllers.Sandboxes;

internal static class SandboxFactory
{
    public static Sandbox New(string name = "agent-1", Action<SandboxSpec>? configure = null)
    {
        var sandbox = new Sandbox
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "team-a",
                Uid = $"uid-{name}-0000-1111",
                Generation = 1,
                ResourceVersion = "100",
                CreationTimestamp = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc),
            },
            Spec = new SandboxSpec { Image = "python:3.12-slim", ProjectId = "default-project" },
        };
        configure?.Invoke(sandbox.Spec);
        return sandbox;
    }
}
