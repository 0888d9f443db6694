using System.Text.Json.Nodes;

namespace SandboxOperator.Connect;

/// <summary>
/// The aggregated API group the operator serves, <c>connect.sandbox.northflank.com/v1alpha1</c>, and its discovery
/// documents: two subresources of <c>sandboxes</c>, exec and log, as the API server aggregates them (APIService
/// <c>v1alpha1.connect.sandbox.northflank.com</c>). The Sandbox itself stays in <c>sandbox.northflank.com</c>; this group
/// only connects to one, so RBAC can grant <c>sandboxes/exec</c> without any other verb.
/// </summary>
public static class ConnectApi
{
    public const string Group = "connect.sandbox.northflank.com";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;
    public const string Resource = "sandboxes";
    public const string Exec = "exec";
    public const string Log = "log";

    /// <summary>The route of both subresources, for ASP.NET routing.</summary>
    public const string SubresourceRoute = "/apis/" + GroupVersion + "/namespaces/{namespace}/" + Resource + "/{name}/{subresource}";

    /// <summary>The verb a subresource is authorised with: exec creates a session (as pod exec), log reads.</summary>
    public static string VerbOf(string subresource) => subresource == Exec ? "create" : "get";

    /// <summary><c>GET /apis/connect.sandbox.northflank.com/v1alpha1</c>.</summary>
    public static string ResourceList() => new JsonObject
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = GroupVersion,
        ["resources"] = new JsonArray(
            Subresource(Exec, "create", "get"),
            Subresource(Log, "get")),
    }.ToJsonString();

    /// <summary><c>GET /apis/connect.sandbox.northflank.com</c>.</summary>
    public static string ApiGroup() => new JsonObject
    {
        ["kind"] = "APIGroup",
        ["apiVersion"] = "v1",
        ["name"] = Group,
        ["versions"] = new JsonArray(VersionEntry()),
        ["preferredVersion"] = VersionEntry(),
    }.ToJsonString();

    private static JsonObject VersionEntry() => new() { ["groupVersion"] = GroupVersion, ["version"] = Version };

    private static JsonObject Subresource(string name, params string[] verbs) => new()
    {
        ["name"] = $"{Resource}/{name}",
        ["singularName"] = "",
        ["namespaced"] = true,
        ["kind"] = name == Exec ? "SandboxExecOptions" : "SandboxLogOptions",
        ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)v)]),
    };
}
