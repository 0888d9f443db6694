using ControllerRuntime;
using k8s;
using k8s.Models;

namespace SandboxOperator.Controllers.Common.Setup;

/// <summary>The namespaces the operator is told to watch (<c>--namespaces</c>), for every controller alike.</summary>
public static class WatchedNamespaces
{
    /// <summary>Limits the controller (its primary and secondary watches) to <paramref name="namespaces"/>; none: all.</summary>
    public static ControllerBuilder<T> InWatchedNamespaces<T>(this ControllerBuilder<T> controller, IReadOnlyList<string> namespaces)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        if (namespaces.Count > 0)
        {
            controller.InNamespaces([.. namespaces]);
        }

        return controller;
    }
}
