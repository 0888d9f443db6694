using System.Globalization;
using KubectlSandbox.Cli;
using KubectlSandbox.Kube;

namespace KubectlSandbox.Sandboxes;

/// <summary><c>kubectl sandbox logs</c>: the connect API's log subresource, streamed to stdout as it comes.</summary>
internal static class LogsCommand
{
    public static async Task<int> RunAsync(KubeConnection connection, LogsVerb verb, Stream stdout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, connection.Url(Path(connection.Namespace, verb)));
        using var response = await connection.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiError.FromAsync(response, cancellationToken);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            // Flushed per read, not per buffer full: a followed log shows each line when it arrives.
            await stdout.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await stdout.FlushAsync(cancellationToken);
        }

        return 0;
    }

    /// <summary>The log path with pod log's options; only those given are sent.</summary>
    public static string Path(string @namespace, LogsVerb verb)
    {
        var query = new List<string>();
        if (verb.Follow)
        {
            query.Add("follow=true");
        }

        if (verb.Tail is { } tail)
        {
            query.Add($"tailLines={tail.ToString(CultureInfo.InvariantCulture)}");
        }

        if (verb.Since is { } since)
        {
            query.Add($"sinceSeconds={Math.Max(1, (long)Math.Ceiling(since.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}");
        }

        if (verb.Timestamps)
        {
            query.Add("timestamps=true");
        }

        var path = $"{ConnectApi.Sandbox(@namespace, verb.Name)}/log";
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }
}
