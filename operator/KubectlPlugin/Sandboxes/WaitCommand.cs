using System.Globalization;
using System.Text.Json.Nodes;
using KubectlSandbox.Cli;
using KubectlSandbox.Kube;

namespace KubectlSandbox.Sandboxes;

/// <summary>
/// <c>kubectl sandbox wait</c>: reads the Sandbox, then watches it (from that resourceVersion) until the condition has
/// the wanted status for the Sandbox's current generation, or the timeout. A missing Sandbox fails at once, as kubectl
/// wait does, rather than waiting for one to appear.
/// </summary>
internal static class WaitCommand
{
    public static async Task<int> RunAsync(KubeConnection connection, WaitVerb verb, TextWriter stdout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(verb.Timeout);
        try
        {
            while (true)
            {
                var sandbox = await SandboxCommands.GetAsync(connection, verb.Name, deadline.Token);
                if (Met(sandbox, verb.Condition, verb.Status) || await WatchAsync(connection, verb, sandbox, deadline.Token))
                {
                    await stdout.WriteLineAsync($"{SandboxCommands.Resource}/{verb.Name} condition met");
                    return 0;
                }

                // The watch ended (its timeout, or an expired resourceVersion): read again, without hammering the server.
                await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiError($"timed out waiting for the condition on sandboxes/{verb.Name}");
        }
    }

    /// <summary>The condition has the wanted status, and (when it says) was set for the Sandbox's current generation.</summary>
    public static bool Met(JsonNode sandbox, string type, bool status)
    {
        var condition = (sandbox["status"]?["conditions"]?.AsArray() ?? [])
            .FirstOrDefault(c => string.Equals(c?["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase));
        var observed = Number(condition?["observedGeneration"]);
        var generation = Number(sandbox["metadata"]?["generation"]);
        return condition?["status"]?.GetValue<string>() is { } value
            && string.Equals(value, status ? "True" : "False", StringComparison.OrdinalIgnoreCase)
            && (observed is null || generation is null || observed == generation);
    }

    private static long? Number(JsonNode? node) =>
        node is not JsonValue value ? null : value.TryGetValue<long>(out var number) ? number : value.TryGetValue<int>(out var small) ? small : null;

    /// <summary>True once a watch event shows the condition met; false when the watch ends first (then read again).</summary>
    private static async Task<bool> WatchAsync(KubeConnection connection, WaitVerb verb, JsonNode sandbox, CancellationToken cancellationToken)
    {
        var version = sandbox["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
        var path = $"{ConnectApi.Sandboxes(connection.Namespace)}?watch=true&allowWatchBookmarks=false" +
            $"&fieldSelector={Uri.EscapeDataString($"metadata.name={verb.Name}")}&resourceVersion={Uri.EscapeDataString(version)}" +
            $"&timeoutSeconds={((int)Math.Min(300, Math.Ceiling(verb.Timeout.TotalSeconds))).ToString(CultureInfo.InvariantCulture)}";
        using var response = await connection.Http.GetAsync(connection.Url(path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiError.FromAsync(response, cancellationToken);
        }

        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await events.ReadLineAsync(cancellationToken) is { } line)
        {
            var change = JsonNode.Parse(line);
            switch (change?["type"]?.GetValue<string>())
            {
                case "DELETED":
                    throw new ApiError($"sandboxes/{verb.Name} was deleted while waiting");
                case "ERROR":
                    return false;
                case not null when change["object"] is { } current && Met(current, verb.Condition, verb.Status):
                    return true;
            }
        }

        return false;
    }
}
