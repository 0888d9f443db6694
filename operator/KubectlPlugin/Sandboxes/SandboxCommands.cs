using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubectlSandbox.Cli;
using KubectlSandbox.Kube;

namespace KubectlSandbox.Sandboxes;

/// <summary>The everyday verbs on the Sandbox object itself: <c>url</c>, <c>pause</c>, <c>resume</c>.</summary>
internal static class SandboxCommands
{
    public const string Resource = "sandbox.sandbox.northflank.com";

    public static async Task<int> RunAsync(KubeConnection connection, SandboxVerb verb, TextWriter stdout, CancellationToken cancellationToken)
    {
        switch (verb.Action)
        {
            case "url":
                var sandbox = await GetAsync(connection, verb.Name, cancellationToken);
                foreach (var url in Urls(sandbox))
                {
                    await stdout.WriteLineAsync(url);
                }

                return 0;
            default:
                var mode = verb.Action == "pause" ? "Paused" : "Running";
                await PatchAsync(connection, verb.Name, new JsonObject { ["spec"] = new JsonObject { ["operatingMode"] = mode } }, cancellationToken);
                await stdout.WriteLineAsync($"{Resource}/{verb.Name} {(verb.Action == "pause" ? "paused" : "resumed")}");
                return 0;
        }
    }

    /// <summary>status.url when set, else each public endpoint's URL; none yet is an error that says so.</summary>
    public static IReadOnlyList<string> Urls(JsonNode sandbox)
    {
        var name = sandbox["metadata"]?["name"]?.GetValue<string>();
        if (sandbox["status"]?["url"]?.GetValue<string>() is { Length: > 0 } url)
        {
            return [url];
        }

        var endpoints = (sandbox["status"]?["endpoints"]?.AsArray() ?? [])
            .Select(e => e?["url"]?.GetValue<string>()).OfType<string>().Where(u => u.Length > 0).ToList();
        return endpoints.Count > 0 ? endpoints : throw new ApiError($"sandbox {name} has no public URL (yet): no public port, or not deployed");
    }

    public static async Task<JsonNode> GetAsync(KubeConnection connection, string name, CancellationToken cancellationToken)
    {
        using var response = await connection.Http.GetAsync(connection.Url(ConnectApi.SandboxObject(connection.Namespace, name)), cancellationToken);
        return await JsonAsync(response, cancellationToken);
    }

    private static async Task PatchAsync(KubeConnection connection, string name, JsonObject patch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, connection.Url(ConnectApi.SandboxObject(connection.Namespace, name)))
        {
            Content = new StringContent(patch.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/merge-patch+json")),
        };
        using var response = await connection.Http.SendAsync(request, cancellationToken);
        await JsonAsync(response, cancellationToken);
    }

    internal static async Task<JsonNode> JsonAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.IsSuccessStatusCode
            ? JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) ?? new JsonObject()
            : throw await ApiError.FromAsync(response, cancellationToken);
}
