namespace KubectlSandbox.Kube;

/// <summary>
/// Where things are: the operator's aggregated API (exec and log subresources, see docs/kubectl-plugin.md) and the
/// Sandbox itself in the normal API.
/// </summary>
internal static class ConnectApi
{
    public const string Group = "connect.sandbox.northflank.com";
    public const string SandboxGroup = "sandbox.northflank.com";
    public const string Version = "v1alpha1";

    /// <summary>A Sandbox in the connect group, the parent of its <c>/exec</c> and <c>/log</c>.</summary>
    public static string Sandbox(string @namespace, string name) =>
        $"/apis/{Group}/{Version}/namespaces/{Uri.EscapeDataString(@namespace)}/sandboxes/{Uri.EscapeDataString(name)}";

    /// <summary>The Sandbox object (<c>sandbox.northflank.com/v1alpha1</c>).</summary>
    public static string SandboxObject(string @namespace, string name) => $"{Sandboxes(@namespace)}/{Uri.EscapeDataString(name)}";

    public static string Sandboxes(string @namespace) => $"/apis/{SandboxGroup}/{Version}/namespaces/{Uri.EscapeDataString(@namespace)}/sandboxes";
}
